// SAML sign-in throughput of the real server (built dist/, HTTP on loopback, embedded SQLite) against
// the SAML library validating the same kind of responses alone, in-process, in the same run:
//  1. setup: a tenant, the Entra-like IdP's metadata imported with the operator CLI (from a started
//     SimpleSAMLphp, or built from its two certificates when SimpleSAMLphp is not installed), a user
//     provisioned by SCIM with an externalId, and one generated response that must sign in (303 + cookie);
//  2. baseline: validateSamlResponse (node-saml + xml-crypto, exactly what the ACS calls) with the
//     tenant's settings, one core, sequentially, over BENCH_SAML_BASELINE (1,000) fresh responses;
//  3. ACS: POST /saml/{tenantId}/acs of BENCH_SAML_REQUESTS (1,500) fresh responses per level, with 4
//     and with 8 concurrent clients; every answer must be a 303 with an sx_session cookie. The server
//     validates on SAML_VALIDATION_THREADS worker threads (default one per core), the baseline on one
//     thread: with two threads a ratio above 1.0 means more cores, and the output says so.
// Every response is a new Entra-shaped one signed by bench/saml-signer.ts (each assertion ID works
// once), generated before the timing starts. Targets print PASS/MISS; a MISS is reported, never a failure.
// With SX_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" the server's CPU profile is summarised at the
// end: top self time, and the share spent parsing certificates and PEM (X509Certificate, createPublicKey…).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { CacheProvider } from '@node-saml/node-saml';
import { loadConfig } from '../src/config.js';
import { entraDirectoryOf, parseIdpMetadata } from '../src/saml/metadata.js';
import type { SpSettings } from '../src/saml/service-provider.js';
import { validateSamlResponse } from '../src/saml/validate-response.js';
import { startIdp, type RunningIdp } from '../test/peers/simplesamlphp.js';
import { countKeyParses, type KeyParses } from '../test/helpers/key-parses.js';
import { entraUser, scim } from '../test/helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../test/helpers/server.js';
import { ENTRA_ISSUER, entraLikeMetadata, entraSigner, peerCertDir, type SignedResponse } from './saml-signer.js';

const BASELINE_N = Number(process.env.BENCH_SAML_BASELINE ?? 1_000);
const ACS_N = Number(process.env.BENCH_SAML_REQUESTS ?? 1_500);
const LEVELS = [4, 8];
const WARMUP_N = 150;
const MAX_LEVEL_S = Number(process.env.BENCH_SAML_MAX_SECONDS ?? 30);
const TARGET_RATIO = 0.8;
const TARGET_P99_MS = 50;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const msf = (n: number) => `${n.toFixed(1)} ms`;
const label = (s: string) => s.padEnd(44);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

const halfRateOf = (h: { n: number; ms: number }) => h.n / (h.ms / 1000);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

// ---- responses ----

interface Who { acsUrl: string; audience: string; upn: string; objectId: string }

function generate(n: number, who: Who): { responses: SignedResponse[]; ms: number } {
  const signer = entraSigner();
  const t = performance.now();
  const responses = Array.from({ length: n }, () => signer.sign({ ...who, givenName: 'Bench', surname: 'Signer' }));
  return { responses, ms: performance.now() - t };
}

const formBody = (r: SignedResponse) => `SAMLResponse=${encodeURIComponent(r.samlResponse)}&RelayState=%2F`;

// ---- load generator: node:http, one keep-alive agent per level ----

interface Answer { status: number; cookie: boolean; body: string; ms: number }

function postAcs(agent: http.Agent, url: URL, body: string): Promise<Answer> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        const cookie = (res.headers['set-cookie'] ?? []).some((c) => /^sx_session=[^;]+/.test(c));
        resolve({ status: res.statusCode ?? 0, cookie, body: text, ms: performance.now() - t });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Level { clients: number; n: number; failures: number; firstFailure?: string; wallMs: number; rate: number; p50: number; p99: number; max: number }

/** Posts every body once, `clients` at a time; each must answer 303 with an sx_session cookie. */
async function acsRun(acsUrl: string, bodies: string[], clients: number): Promise<Level> {
  const url = new URL(acsUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const lat: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  try {
    const t = performance.now();
    const end = t + MAX_LEVEL_S * 1000;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (next < bodies.length && performance.now() < end) {
        const t0 = performance.now();
        const a = await postAcs(agent, url, bodies[next++]!)
          .catch((err: Error): Answer => ({ status: 0, cookie: false, body: `request error: ${err.message}`, ms: performance.now() - t0 }));
        lat.push(a.ms);
        if (a.status !== 303 || !a.cookie) {
          failures++;
          firstFailure ??= `${a.status}${a.cookie ? '' : ' (no sx_session cookie)'}: ${a.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`;
        }
      }
    }));
    const wallMs = performance.now() - t;
    lat.sort((a, b) => a - b);
    return {
      clients, n: lat.length, failures, ...(firstFailure ? { firstFailure } : {}), wallMs, rate: lat.length / (wallMs / 1000),
      p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat[lat.length - 1] ?? NaN,
    };
  } finally {
    agent.destroy();
  }
}

/**
 * Open loop: one request every 1/rate s whatever the answers do, as real sign-ins arrive. Closed-loop
 * clients that post back to back measure queueing at saturation instead; "p99 under load" is this one.
 */
async function pacedRun(acsUrl: string, bodies: string[], rate: number): Promise<Level> {
  const url = new URL(acsUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const lat: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const t = performance.now();
  try {
    await Promise.all(bodies.map(async (body, i) => {
      const due = t + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const t0 = performance.now();
      const a = await postAcs(agent, url, body)
        .catch((err: Error): Answer => ({ status: 0, cookie: false, body: `request error: ${err.message}`, ms: performance.now() - t0 }));
      lat.push(a.ms);
      if (a.status !== 303 || !a.cookie) {
        failures++;
        firstFailure ??= `${a.status}: ${a.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`;
      }
    }));
    const wallMs = performance.now() - t;
    lat.sort((a, b) => a - b);
    return {
      clients: 0, n: lat.length, failures, ...(firstFailure ? { firstFailure } : {}), wallMs, rate: lat.length / (wallMs / 1000),
      p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat[lat.length - 1] ?? NaN,
    };
  } finally {
    agent.destroy();
  }
}

// ---- how busy the rest of the machine was (other benchmarks and tests share these cores) ----

interface CpuSnap { at: number; busyS: number; serverS: number; ownS: number }

function cpuSnapshot(serverPid: number): CpuSnap {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const busy = total - (f[3] ?? 0) - (f[4] ?? 0);
  const st = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8');
  const after = st.slice(st.lastIndexOf(')') + 2).split(' ');
  const server = Number(after[11]) + Number(after[12]);
  const own = process.cpuUsage();
  return { at: performance.now(), busyS: busy / 100, serverS: server / 100, ownS: (own.user + own.system) / 1e6 };
}

function otherCpu(a: CpuSnap, b: CpuSnap): { cores: number; share: number } {
  const cores = (fs.readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm) ?? []).length || 1;
  const other = (b.busyS - a.busyS) - (b.serverS - a.serverS) - (b.ownS - a.ownS);
  return { cores, share: Math.max(0, other) / (((b.at - a.at) / 1000) * cores) };
}

// ---- setup ----

/** Imports the IdP: SimpleSAMLphp's own metadata when it is installed, else the equivalent built from its certificates. */
async function importIdp(server: RunningServer, t: TenantValues): Promise<{ xml: string; source: string }> {
  let idp: RunningIdp | undefined;
  let source: string;
  let xml: string;
  let metadata: string;
  if (fs.existsSync('/usr/share/simplesamlphp/www')) {
    idp = await startIdp({ sps: [{ entityId: t.tenantId, acs: t.samlUrl }] });
    metadata = idp.metadataUrl;
    xml = await (await fetch(idp.metadataUrl)).text();
    source = `SimpleSAMLphp metadata (${idp.metadataUrl})`;
  } else {
    xml = entraLikeMetadata();
    metadata = path.join(server.dataDir, 'idp-metadata.xml');
    fs.writeFileSync(metadata, xml);
    source = `metadata built from ${path.relative(process.cwd(), peerCertDir)}/idp.crt + idp2.crt (SimpleSAMLphp not installed)`;
  }
  try {
    const r = await server.cli(['idp', 'import', '--tenant', t.tenantId, '--metadata', metadata, '--json']);
    if (r.code !== 0) throw new Error(`idp import failed: ${r.stderr || r.stdout}`);
  } finally {
    await idp?.stop();
  }
  return { xml, source };
}

// ---- CPU profile of the server ----

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

// Certificate and PEM parsing: Node's X509 and key parsing, and the PEM helpers of xml-crypto and node-saml.
const CERT_FNS = /^(X509Certificate|createPublicKey|prepareAsymmetricKey|preparePublicOrPrivateKey|isX509Certificate|assertX509Certificate|bareCertificate|pemCertificates|pemMessages|pemToDer|pemText|toPem|normalizePem|normalizePemInput|formatPemMessage|canonicalBase64|keyInfoToPem|normalizePemFile|resolveAndParseKeyInfosToPem)$/;

function where(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const dist = u.indexOf('/dist/');
  return dist >= 0 ? u.slice(dist + 1) : u;
}

function profileDir(): string | undefined {
  const args = process.env.SX_SERVER_NODE_ARGS ?? '';
  if (!/--cpu-prof\b/.test(args)) return undefined;
  return /--cpu-prof-dir=(\S+)/.exec(args)?.[1] ?? process.cwd();
}

function summariseProfile(dir: string, since: number, signIns: number, costs: ReturnType<typeof parseCosts>, parses: KeyParses) {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).mtimeMs >= since) : [];
  const file = files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!file) { console.log(`server CPU profile: none written to ${dir}`); return; }
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

  let busy = 0;
  let idle = 0;
  const selfByFn = new Map<string, number>();
  const selfByPkg = new Map<string, number>();
  const certByFn = new Map<string, number>();
  let cert = 0;
  let verify = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') { idle += us; continue; }
    busy += us;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
    const w = where(n.callFrame.url);
    const pkg = !w ? n.callFrame.functionName : w.startsWith('node:') ? 'node:internal' : w.startsWith('dist/') ? 'dist/ (SecureExchange)'
      : w.startsWith('@') ? w.split('/').slice(0, 2).join('/') : w.split('/')[0]!;
    selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + us);
    // Inclusive: a sample counts as certificate parsing when any frame of its stack is one of CERT_FNS.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (CERT_FNS.test(fn)) seen.add(fn);
    }
    if (seen.size) cert += us;
    // Node's verify() turns a PEM string into a key natively, inside its own self time.
    if (n.callFrame.functionName === 'verify' && n.callFrame.url === 'node:internal/crypto/sig') verify += us;
    for (const fn of seen) certByFn.set(fn, (certByFn.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log('');
  console.log(`server CPU profile ${file}`);
  console.log(`  ${(busy / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; shares below are of busy time; ${int(signIns)} ACS requests served`);
  console.log(`  self time by package   ${[...selfByPkg].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, us]) => `${k} ${((us / busy) * 100).toFixed(1)} %`).join(', ')}`);
  console.log('  top self time');
  for (const [k, us] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`    ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
  console.log(`  certificate / PEM parsing (inclusive)   ${pct(cert)}   ${(cert / 1000).toFixed(0)} ms = ${(cert / 1000 / signIns).toFixed(3)} ms per ACS request`);
  for (const [fn, us] of [...certByFn].sort((a, b) => b[1] - a[1])) {
    console.log(`    ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  under ${fn}`);
  }
  // The PEM->key parse happens natively inside verify(), so the profile cannot split it out: estimated
  // from the counted verify() calls with a PEM string and the measured cost of a PEM string over a KeyObject.
  const pemUs = Math.min(verify, parses.pemVerify * signIns * Math.max(0, costs.pemVerify - costs.keyVerify) * 1000);
  console.log(`  crypto verify() self time (RSA + native PEM->key parse)   ${pct(verify)}   ${(verify / 1000 / signIns).toFixed(3)} ms per ACS request (${parses.pemVerify} calls with a PEM string each)`);
  console.log(`  of which PEM->key parsing (estimate: calls x (PEM - KeyObject) cost)   ${pct(pemUs)}   ${(pemUs / 1000 / signIns).toFixed(3)} ms per ACS request`);
  console.log(`  X509/PEM parsing in all, per ACS request    ~${((cert + pemUs) / 1000 / signIns).toFixed(3)} ms = ${pct(cert + pemUs)} of busy time`);
}

/** What one parse costs here, to turn the profile's time into parses per request. */
function parseCosts(): { x509: number; pemVerify: number; keyVerify: number } {
  const pem = fs.readFileSync(path.join(peerCertDir, 'idp.crt'), 'utf8');
  const key = crypto.createPublicKey(pem);
  const data = Buffer.alloc(600, 1);
  const sig = crypto.sign('sha256', data, fs.readFileSync(path.join(peerCertDir, 'idp.key'), 'utf8'));
  const time = (n: number, f: () => void) => { for (let i = 0; i < 200; i++) f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); return (performance.now() - t) / n; };
  return {
    x509: time(2000, () => new crypto.X509Certificate(pem)),
    pemVerify: time(2000, () => crypto.createVerify('RSA-SHA256').update(data).verify(pem, sig)),
    keyVerify: time(2000, () => crypto.createVerify('RSA-SHA256').update(data).verify(key, sig)),
  };
}

/** What parses a certificate or a key, per validation of the ACS's own library code. */
async function countParses(sp: SpSettings, responses: SignedResponse[]): Promise<KeyParses> {
  const counts = await countKeyParses(async () => {
    for (const r of responses) await validateSamlResponse(sp, r.samlResponse);
  });
  const per = (n: number) => n / responses.length;
  return { x509: per(counts.x509), createPublicKey: per(counts.createPublicKey), pemVerify: per(counts.pemVerify), keyVerify: per(counts.keyVerify) };
}

// ---- run ----

export async function run() {
  const started = performance.now();
  const startedAt = Date.now();
  const server = await startServer({ LOG_LEVEL: 'warn' });
  let served = 0;
  let costs: ReturnType<typeof parseCosts> | undefined;
  let parseCounts: KeyParses | undefined;
  try {
    // 1. setup
    const tenant = await createTenant(server, 'SAML bench');
    const idp = await importIdp(server, tenant);
    const objectId = crypto.randomUUID();
    const upn = `bench.${crypto.randomBytes(3).toString('hex')}@contoso.example`;
    const created = await scim(tenant, 'POST', '/Users', entraUser({ userName: upn, externalId: objectId, userType: 'ADVISOR', givenName: 'Bench' }));
    if (created.status !== 201) throw new Error(`SCIM provisioning failed: ${created.status} ${JSON.stringify(created.body)}`);
    const who: Who = { acsUrl: tenant.samlUrl, audience: tenant.tenantId, upn, objectId };

    const smoke = generate(1, who).responses[0]!;
    const first = await acsRun(tenant.samlUrl, [formBody(smoke)], 1);
    served += 1;
    if (first.failures) throw new Error(`a generated response does not sign in: ${first.firstFailure}`);

    // 2. baseline: the library alone, in this process, one core, sequentially
    const config = loadConfig(server.env);
    const threads = config.samlValidationThreads;
    const noRequests: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null };
    const metadata = parseIdpMetadata(idp.xml);
    const sp: SpSettings = {
      tenantId: tenant.tenantId, acsUrl: tenant.samlUrl, idp: metadata, clockSkewMs: config.samlClockSkewMs,
      requests: noRequests, allowIdpInitiated: true, allowSha1: false, entraTenantId: entraDirectoryOf(metadata.entityId),
    };
    const warm = generate(WARMUP_N, who).responses;
    for (const r of warm) await validateSamlResponse(sp, r.samlResponse);
    // Measured in two halves, one before and one after the ACS runs, so that a change of load on the
    // machine in between does not favour either side of the ratio.
    const baseLat: number[] = [];
    let baseFailures = 0;
    const baseHalf = async (n: number) => {
      const g = generate(n, who);
      const tb = performance.now();
      for (const r of g.responses) {
        const t = performance.now();
        try {
          const id = await validateSamlResponse(sp, r.samlResponse);
          if (id.objectId !== objectId || id.assertionId !== r.assertionId) baseFailures++;
        } catch {
          baseFailures++;
        }
        baseLat.push(performance.now() - t);
      }
      return { n, ms: performance.now() - tb, genMs: g.ms };
    };
    const cpu0 = cpuSnapshot(server.pid);
    const half1 = await baseHalf(Math.ceil(BASELINE_N / 2));

    // node-saml tries the trusted certificates in metadata order, a full signature check each: where
    // does the signing one stand, and (for information only) what would the library do with it first?
    const body = (pem: string) => pem.replace(/-----[^-]+-----|\s+/g, '');
    const signingCert = body(fs.readFileSync(path.join(peerCertDir, 'idp.crt'), 'utf8'));
    const position = metadata.certificates.findIndex((c) => body(c) === signingCert);
    let firstRate: number | undefined;
    if (position > 0) {
      const reordered: SpSettings = { ...sp, idp: { ...metadata, certificates: [metadata.certificates[position]!, ...metadata.certificates.filter((_, i) => i !== position)] } };
      const g = generate(Math.ceil(BASELINE_N / 2), who);
      const t = performance.now();
      for (const r of g.responses) await validateSamlResponse(reordered, r.samlResponse);
      firstRate = g.responses.length / ((performance.now() - t) / 1000);
    }

    const parses = await countParses(sp, generate(50, who).responses);
    parseCounts = parses;

    // 3. ACS over HTTP: warm the server up, then each level with its own fresh responses
    const warmAcs = await acsRun(tenant.samlUrl, generate(WARMUP_N, who).responses.map(formBody), LEVELS[0]!);
    served += warmAcs.n;
    if (warmAcs.failures) throw new Error(`warm-up sign-ins failed (${warmAcs.failures}): ${warmAcs.firstFailure}`);
    const levels: Level[] = [];
    let genMs = half1.genMs;
    for (const clients of LEVELS) {
      const g = generate(ACS_N, who);
      genMs += g.ms;
      const bodies = g.responses.map(formBody);
      const level = await acsRun(tenant.samlUrl, bodies, clients);
      served += level.n;
      levels.push(level);
    }
    // Half the rate the library alone reaches, for about ten seconds.
    const pacedRate = Math.max(5, Math.round(halfRateOf(half1) / 2));
    const pacedBodies = generate(Math.min(ACS_N, pacedRate * 10), who);
    genMs += pacedBodies.ms;
    const paced = await pacedRun(tenant.samlUrl, pacedBodies.responses.map(formBody), pacedRate);
    served += paced.n;
    const half2 = await baseHalf(BASELINE_N - half1.n);
    const cpu1 = cpuSnapshot(server.pid);
    genMs += half2.genMs;
    const baseRate = BASELINE_N / ((half1.ms + half2.ms) / 1000);
    const halfRate = (h: { n: number; ms: number }) => h.n / (h.ms / 1000);
    baseLat.sort((a, b) => a - b);
    const others = otherCpu(cpu0, cpu1);

    const size = Buffer.byteLength(smoke.xml);
    console.log(`IdP                                         ${ENTRA_ISSUER}, ${idp.source}`);
    console.log(`                                            ${metadata.certificates.length} signing certificates trusted; responses signed with idp.key, whose certificate is #${position + 1} in the metadata`);
    console.log(`responses                                   Entra-shaped, assertion signed (RSA-SHA256, exc-c14n, enveloped), ${(size / 1024).toFixed(1)} KiB XML, ${(smoke.samlResponse.length / 1024).toFixed(1)} KiB base64, unsolicited (no InResponseTo)`);
    console.log(`                                            generated before timing: ${(genMs / (BASELINE_N + ACS_N * LEVELS.length)).toFixed(2)} ms each (not measured), ${int(ACS_N)} per ACS level, at most ${MAX_LEVEL_S} s each`);
    console.log(`server                                      dist/main.js, embedded SQLite, LOG_LEVEL=warn${process.env.SX_SERVER_NODE_ARGS ? `, node ${process.env.SX_SERVER_NODE_ARGS} (figures distorted by the profiler)` : ''}`);
    console.log(`                                            ACS validation on ${threads ? `${threads} worker thread${threads > 1 ? 's' : ''}` : 'the main thread'} (SAML_VALIDATION_THREADS=${threads}), queue ${config.samlValidationQueue}; the baseline stays one thread`);
    console.log(`check                                       one generated response signs in: 303 + sx_session cookie`);
    console.log(`machine                                     ${others.cores} cores; other processes used ${(others.share * 100).toFixed(0)} % of them during the measurements${others.share > 0.1 ? ' (the machine was shared: figures are noisy)' : ''}`);
    console.log('');
    console.log(`${label('baseline validateSamlResponse in-process')}${int(baseRate).padStart(6)} responses/s   p50 ${msf(percentile(baseLat, 0.5))}   p99 ${msf(percentile(baseLat, 0.99))}   (1 core, sequential, n=${int(BASELINE_N)}: ${int(halfRate(half1))}/s before the ACS runs, ${int(halfRate(half2))}/s after; failures ${baseFailures})`);
    if (firstRate !== undefined) {
      console.log(`${label('  (info) same, signing certificate listed first')}${int(firstRate).padStart(6)} responses/s   (not the baseline: the tenant's metadata lists it #${position + 1}, and node-saml checks the signature against each certificate in turn)`);
    }
    console.log(`${label('  parses per validation (counted)')}X509Certificate ${parses.x509}, createPublicKey ${parses.createPublicKey}, crypto verify() with a PEM string ${parses.pemVerify} (each parses the PEM into a key), with a KeyObject ${parses.keyVerify}`);
    for (const l of levels) {
      console.log(`${label(`ACS POST, ${l.clients} clients`)}${int(l.rate).padStart(6)} sign-ins/s    p50 ${msf(l.p50)}   p99 ${msf(l.p99)}   max ${msf(l.max)}   ${(l.rate / baseRate).toFixed(2)} of baseline   (n=${int(l.n)}, failures ${l.failures})`);
      if (l.firstFailure) console.log(`${label('')}first failure: ${l.firstFailure}`);
    }
    console.log(`${label(`ACS POST, paced at ${pacedRate}/s (open loop)`)}${int(paced.rate).padStart(6)} sign-ins/s    p50 ${msf(paced.p50)}   p99 ${msf(paced.p99)}   max ${msf(paced.max)}   (n=${int(paced.n)}, failures ${paced.failures})`);
    console.log('');
    console.log('targets');
    if (baseFailures) console.log(`  baseline had ${baseFailures} failures: its figure is invalid`);
    for (const l of levels) {
      const valid = l.failures === 0;
      const ratio = l.rate / baseRate;
      const note = valid ? '' : `   INVALID (${l.failures} failed sign-ins)`;
      console.log(`${label(`  ${l.clients} clients: ACS >= 80 % of library alone`)}${`${(ratio * 100).toFixed(1)} %`.padEnd(14)}${valid ? verdict(ratio >= TARGET_RATIO) : 'MISS'}${note}`);
      console.log(`${label(`  ${l.clients} clients: p99 < ${TARGET_P99_MS} ms`)}${msf(l.p99).padEnd(14)}${valid ? verdict(l.p99 < TARGET_P99_MS) : 'MISS'}${note}`);
    }
    console.log(`${label(`  p99 paced at half capacity < ${TARGET_P99_MS} ms`)}${msf(paced.p99).padEnd(14)}${paced.failures ? 'MISS   INVALID' : verdict(paced.p99 < TARGET_P99_MS)}`);
    console.log(`${label('')}(the closed-loop p99 lines above measure queueing at saturation: N clients posting back to back wait for each other)`);
    if (threads > 1 && levels.some((l) => l.rate > baseRate)) {
      console.log(`${label('')}NOTE: the ACS validates on ${threads} threads, the library alone on one: a ratio above 1.0 comes from using more cores, not from a cheaper validation`);
    }
    if (profileDir()) {
      costs = parseCosts();
      console.log('');
      console.log(`parse costs here (bench process)            new X509Certificate(pem) ${(costs.x509 * 1000).toFixed(0)} µs; RSA-SHA256 verify with a PEM string ${(costs.pemVerify * 1000).toFixed(0)} µs, with a KeyObject ${(costs.keyVerify * 1000).toFixed(0)} µs`);
    }
  } finally {
    await server.stop();
  }
  const dir = profileDir();
  if (dir && costs && parseCounts) summariseProfile(dir, startedAt, served, costs, parseCounts);
  console.log(`whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
