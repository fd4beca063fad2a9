// The worker thread behind the synchronous PostgreSQL helpers (test-database.ts): holds one connection
// per database and answers each {url, sql, params} on the reply port, then wakes the waiting caller.
// int8 and numeric arrive as numbers, as the server's own pool reads them.
import { parentPort } from 'node:worker_threads';
import pg from 'pg';

const toNumber = (v) => Number(v);
pg.types.setTypeParser(pg.types.builtins.INT8, toNumber);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, toNumber);
const clients = new Map();

parentPort.on('message', async ({ url, sql, params, port, signal }) => {
  let answer;
  try {
    let client = clients.get(url);
    if (!client) {
      client = new pg.Client({ connectionString: url });
      client.on('error', () => clients.delete(url));
      await client.connect();
      clients.set(url, client);
    }
    const r = await client.query(sql, params);
    answer = { rows: r.rows, rowCount: r.rowCount ?? 0 };
  } catch (err) {
    answer = { error: String(err?.message ?? err) };
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
