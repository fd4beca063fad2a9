// One statement against PostgreSQL for the synchronous test helpers (test-database.ts): reads
// {url, sql, params} as JSON on stdin, prints {rows, rowCount} as JSON. int8 and numeric arrive as
// numbers, as the server's own pool reads them.
import pg from 'pg';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.setEncoding('utf8').on('data', (d) => { s += d; }).on('end', () => resolve(s));
}));
const toNumber = (v) => Number(v);
pg.types.setTypeParser(pg.types.builtins.INT8, toNumber);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, toNumber);
const client = new pg.Client({ connectionString: input.url });
await client.connect();
try {
  const r = await client.query(input.sql, input.params);
  process.stdout.write(JSON.stringify({ rows: r.rows, rowCount: r.rowCount ?? 0 }));
} finally {
  await client.end();
}
