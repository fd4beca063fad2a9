// `npm run bench [-- name]`: runs the benchmarks under bench/, each printing figures and ratios
// against a baseline measured in the same run.
const benches: Record<string, () => Promise<void>> = {
  documents: async () => (await import('./documents.js')).run(),
  scim: async () => (await import('./scim.js')).run(),
  saml: async () => (await import('./saml.js')).run(),
  scale: async () => (await import('./scale.js')).run(),
  web: async () => (await import('./web.js')).run(),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`# ${name}`);
  await bench();
}
