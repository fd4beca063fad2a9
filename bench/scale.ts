// One instance against two on one PostgreSQL database (and one shared blob folder): SCIM lookups,
// SCIM creates and document downloads, each driven by the same 8 keep-alive clients (spread over the
// instances in the two-instance run), in the same run. Prints the rates, the ratio two/one, and the
// CPU each process used per request, which shows where this 2-core machine's limit is.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { advisorWithExchange, upload } from '../test/helpers/exchanges.js';
import { entraUser } from '../test/helpers/scim.js';
import { createTenant, startServer, type RunningServer } from '../test/helpers/server.js';

const CLIENTS = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const DOC_MIB = 4;
const adminUrl = process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try { await c.query(statement); } finally { await c.end(); }
}

function cpuMs(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * Busy CPU time of the whole machine (all cores), in ms. PostgreSQL's share is this minus the instances
 * and the load generator: its backends come and go with connections, so summing them would miss some.
 */
function machineBusyMs(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) * 10;
}

interface Target { url: string; agent: http.Agent; headers: http.OutgoingHttpHeaders }

function request(t: Target, method: string, path: string, body?: string, extra: http.OutgoingHttpHeaders = {}): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(t.url + path);
    const req = http.request({ agent: t.agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...t.headers, ...extra, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `job` on CLIENTS workers for SECONDS over the targets (client i uses target i mod n); requests per second. */
async function drive(targets: Target[], job: (t: Target, i: number) => Promise<void>): Promise<number> {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    const t = targets[c % targets.length]!;
    while (performance.now() < end) { await job(t, n); n++; }
  }));
  return n / ((performance.now() - t0) / 1000);
}

export async function run() {
  const name = `sx_bench_scale_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const env = { DATABASE_URL: u.toString(), LOG_LEVEL: 'warn', SCIM_RATE_LIMIT_PER_MINUTE: String(1e9), SECURE_EXCHANGE_MASTER_KEY: crypto.randomBytes(32).toString('hex') };
  const servers: RunningServer[] = [];
  try {
    const a = await startServer(env);
    servers.push(a);
    // The second instance shares the database and the blob folder (DATA_DIR) with the first.
    const b = await startServer({ ...env, DATA_DIR: a.dataDir });
    servers.push(b);
    const tenant = await createTenant(a, 'Bench scale');
    const { owner, exchangeId } = await advisorWithExchange(a, 'Scale');
    const doc = await upload(owner.browser, exchangeId, 'scale.bin', crypto.randomBytes(DOC_MIB * 1024 * 1024));
    if (doc.status !== 201) throw new Error(`upload failed: ${doc.status}`);
    const names: string[] = [];
    const scimPath = new URL(tenant.scimUrl).pathname;
    const scim = (s: RunningServer): Target => ({ url: s.url + scimPath, agent: new http.Agent({ keepAlive: true, maxSockets: CLIENTS }), headers: { authorization: `Bearer ${tenant.bearerToken}` } });
    const api = (s: RunningServer): Target => ({ url: s.url, agent: new http.Agent({ keepAlive: true, maxSockets: CLIENTS }), headers: { cookie: owner.browser.cookieHeader() } });

    const phases: Record<string, (targets: Target[]) => Promise<number>> = {
      'SCIM creates': (ts) => drive(ts, async (t, i) => {
        const user = entraUser({ userName: `s${i}.${crypto.randomBytes(4).toString('hex')}@contoso.example` });
        const r = await request(t, 'POST', '/Users', JSON.stringify(user), { 'content-type': 'application/scim+json' });
        if (r.status !== 201) throw new Error(`create: ${r.status}`);
        names.push(user.userName);
      }),
      'SCIM lookups': (ts) => drive(ts, async (t, i) => {
        const r = await request(t, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${names[i % names.length]}"`)}`);
        if (r.status !== 200) throw new Error(`lookup: ${r.status}`);
      }),
      [`downloads (${DOC_MIB} MiB)`]: (ts) => drive(ts, async (t) => {
        const r = await request(t, 'GET', `/api/exchanges/${exchangeId}/documents/${doc.body.id}/content`);
        if (r.status !== 200 || r.bytes !== DOC_MIB * 1024 * 1024) throw new Error(`download: ${r.status}`);
      }),
    };
    console.log(`${CLIENTS} keep-alive clients, ${SECONDS} s per phase; one PostgreSQL database, one shared blob folder; CPU in ms per request`);
    for (const [phase, go] of Object.entries(phases)) {
      const rates: number[] = [];
      const cpu: string[] = [];
      for (const instances of [[a], [a, b]]) {
        const make = phase.startsWith('SCIM') ? scim : api;
        const before = { a: cpuMs(a.pid), b: cpuMs(b.pid), machine: machineBusyMs(), self: process.cpuUsage() };
        const rate = await go(instances.map(make));
        const n = rate * SECONDS;
        const used = (ms: number) => (ms / n).toFixed(3);
        const self = process.cpuUsage(before.self);
        const ms = { a: cpuMs(a.pid) - before.a, b: cpuMs(b.pid) - before.b, gen: (self.user + self.system) / 1000, machine: machineBusyMs() - before.machine };
        rates.push(rate);
        cpu.push(`${instances.length === 1 ? 'one' : 'two'}: instance A ${used(ms.a)}, B ${used(ms.b)}, load generator ${used(ms.gen)}, PostgreSQL and the rest ${used(ms.machine - ms.a - ms.b - ms.gen)}; machine ${(ms.machine / (SECONDS * 1000) * 100 / 2).toFixed(0)} % of its 2 cores busy`);
      }
      console.log(`${phase.padEnd(22)} one instance ${rates[0]!.toFixed(0).padStart(6)}/s   two instances ${rates[1]!.toFixed(0).padStart(6)}/s   two/one ${(rates[1]! / rates[0]!).toFixed(2)}`);
      for (const c of cpu) console.log(`${''.padEnd(24)}${c}`);
    }
    console.log('this machine has 2 cores, shared by the load generator, both instances and PostgreSQL: a second instance adds no core, so two/one near 1.0 is the ceiling here');
  } finally {
    for (const s of servers.reverse()) await s.stop().catch(() => undefined);
    await admin(`drop database if exists ${name} with (force)`);
  }
}
