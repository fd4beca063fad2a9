// SCIM provisioning on the embedded SQLite (WAL; every write answered only after its WAL flush), driven the way Entra ID drives it,
// against a bare Fastify 5 baseline (bench/bare-fastify.mjs, a child process like the real server)
// measured with the same load generator and concurrency in the same run:
//  1. baseline: the bare server's GET and POST routes;
//  2. initial sync of BENCH_USERS (default 20,000) users, each as Entra does it: GET /Users?filter=
//     userName eq "…" (0 hits), then POST /Users with Entra's body, 201;
//  3. `userName eq` lookup latency of existing users (random order) with 1,000 and with 100,000 users
//     in the tenant; the extra 99,000 rows are inserted straight into the SQLite file (one transaction,
//     WAL, while the server runs), cloned from a row the server itself wrote so the columns are exact.
// Targets are printed next to the figures with PASS/MISS; a MISS is reported, never a failure.
// Each phase also prints the server process's CPU time per request (Linux /proc), which other load on
// the machine disturbs far less than rates and ratios do.
// BENCH_USERS, BENCH_LOOKUPS (default 4,000 per tenant size) override the sizes.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { entraUser } from '../test/helpers/scim.js';
import { createTenant, freePort, repoRoot, startServer, type RunningServer, type TenantValues } from '../test/helpers/server.js';

const CONCURRENCY = 8;
const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 4_000);
const SMALL = 1_000;
const LARGE = 100_000;
const WARMUP_MS = 1_000;
const BASELINE_MS = 5_000;

// ---- load generator: node:http, one keep-alive agent with CONCURRENCY sockets, CONCURRENCY workers ----

interface Answer { status: number; body: string }

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  constructor(baseUrl: string, private readonly token: string) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.prefix = u.pathname.replace(/\/$/, '');
  }

  /** One request; its latency (request start to last body byte) is pushed onto `into`. */
  request(method: string, p: string, into: number[], body?: string): Promise<Answer> {
    // Like Entra: bearer token, application/scim+json, no User-Agent.
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/scim+json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const t = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request({ agent: this.agent, host: this.host, port: this.port, path: this.prefix + p, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('end', () => { into.push(performance.now() - t); resolve({ status: res.statusCode ?? 0, body: text }); });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close() { this.agent.destroy(); }
}

/** Runs `job(i)` for i = 0 … total-1 on CONCURRENCY workers; returns the wall time in ms. */
async function drive(total: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) await job(next++);
  }));
  return performance.now() - t;
}

/** Runs `job()` on CONCURRENCY workers for `ms` milliseconds; returns the wall time in ms. */
async function driveFor(ms: number, job: () => Promise<void>): Promise<number> {
  const t = performance.now();
  const end = t + ms;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) await job();
  }));
  return performance.now() - t;
}

interface Stats { n: number; p50: number; p99: number; /** requests per second of client busy time (Little's law: n / (Σ latency / clients)) */ rate: number; wallRate?: number }

function stats(lat: number[], wallMs?: number): Stats {
  const s = [...lat].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const busy = s.reduce((a, b) => a + b, 0) / CONCURRENCY;
  return { n: s.length, p50: at(0.5), p99: at(0.99), rate: s.length / (busy / 1000), ...(wallMs ? { wallRate: s.length / (wallMs / 1000) } : {}) };
}

/** CPU time (user + system) of a process so far, in ms; undefined where /proc is not available. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat(5)) are in clock ticks: USER_HZ, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU ms per request of `pid` while `run` runs. */
async function cpuPer<T>(pid: number, requests: (r: T) => number, run: () => Promise<T>): Promise<{ result: T; cpu: number | undefined }> {
  const before = cpuMs(pid);
  const result = await run();
  const after = cpuMs(pid);
  return { result, cpu: before === undefined || after === undefined ? undefined : (after - before) / requests(result) };
}

const cpuf = (ms: number | undefined, per: string) => (ms === undefined ? '' : `server CPU ${ms.toFixed(3)} ms per ${per}`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const msf = (n: number) => `${n.toFixed(2)} ms`;
const fig = (s: Stats) => `${int(s.rate).padStart(7)} req/s   p50 ${msf(s.p50).padStart(9)}   p99 ${msf(s.p99).padStart(9)}`;
const label = (s: string) => s.padEnd(40);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function expect(ok: boolean, what: string, a: Answer) {
  if (!ok) throw new Error(`${what}: unexpected answer ${a.status} ${a.body.slice(0, 300)}`);
}

/** Unique and in random index order, shaped like an Entra UPN. */
const newUserName = (i: number) => `${crypto.randomBytes(4).toString('hex')}.u${i}@contoso.example`;
const lookupPath = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** The configured default of SCIM requests per minute per tenant, if the server has such a limit. */
function defaultRateLimit(): number | undefined {
  const env = { ...process.env };
  delete env.SCIM_RATE_LIMIT_PER_MINUTE;
  const v = (loadConfig(env) as unknown as Record<string, unknown>).scimRatePerMinute;
  return typeof v === 'number' ? v : undefined;
}

// ---- 1. baseline: bare Fastify 5 in a child process ----

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bench/bare-fastify.mjs')], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bare Fastify exited (${child.exitCode})`);
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error('bare Fastify did not start'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child };
}

async function baseline(): Promise<{ get: Stats; post: Stats; cpu: { GET?: number; POST?: number } }> {
  const { url, child } = await startBare();
  const c = new Client(`${url}/scim/v2/bare`, 'bare-token');
  try {
    const job = (method: 'GET' | 'POST', into: number[]) => async () => {
      const userName = newUserName(0);
      const a = method === 'GET' ? await c.request('GET', lookupPath(userName), into) : await c.request('POST', '/Users', into, JSON.stringify(entraUser({ userName })));
      JSON.parse(a.body);
      expect(a.status === (method === 'GET' ? 200 : 201), `bare ${method}`, a);
    };
    // Both processes are warmed (JIT) on both routes before anything is measured: a cold baseline
    // would flatter every ratio.
    for (let i = 0; i < 2; i++) for (const m of ['GET', 'POST'] as const) await driveFor(WARMUP_MS, job(m, []));
    // Measured in alternating halves, so neither route is favoured by the order of the measurements.
    const lat = { GET: [] as number[], POST: [] as number[] };
    const wall = { GET: 0, POST: 0 };
    const cpu: { GET?: number; POST?: number } = { GET: 0, POST: 0 };
    for (let i = 0; i < 2; i++) {
      for (const m of ['GET', 'POST'] as const) {
        const before = cpuMs(child.pid!);
        wall[m] += await driveFor(BASELINE_MS / 2, job(m, lat[m]));
        const after = cpuMs(child.pid!);
        cpu[m] = before === undefined || after === undefined || cpu[m] === undefined ? undefined : cpu[m] + (after - before);
      }
    }
    return {
      get: stats(lat.GET, wall.GET), post: stats(lat.POST, wall.POST),
      cpu: { GET: cpu.GET === undefined ? undefined : cpu.GET / lat.GET.length, POST: cpu.POST === undefined ? undefined : cpu.POST / lat.POST.length },
    };
  } finally {
    c.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

// ---- 2. initial sync, exactly as Entra does it ----

async function initialSync(t: TenantValues, pid: number): Promise<{ lookups: Stats; creates: Stats; wallMs: number; cpu: number | undefined }> {
  const c = new Client(t.scimUrl, t.bearerToken);
  const lookups: number[] = [];
  const creates: number[] = [];
  try {
    const { result: wallMs, cpu } = await cpuPer(pid, () => USERS, () => drive(USERS, async (i) => {
      const user = entraUser({ userName: newUserName(i) });
      const l = await c.request('GET', lookupPath(user.userName), lookups);
      expect(l.status === 200 && (JSON.parse(l.body) as { totalResults: number }).totalResults === 0, 'lookup before create', l);
      const p = await c.request('POST', '/Users', creates, JSON.stringify(user));
      JSON.parse(p.body);
      expect(p.status === 201, 'create', p);
    }));
    return { lookups: stats(lookups), creates: stats(creates), wallMs, cpu };
  } finally {
    c.close();
  }
}

// ---- 3. lookup latency vs tenant size ----

async function lookupRun(c: Client, names: string[], pid: number): Promise<Stats & { cpu: number | undefined }> {
  const pick = () => names[Math.floor(Math.random() * names.length)]!;
  const job = async (into: number[]) => {
    const a = await c.request('GET', lookupPath(pick()), into);
    expect(a.status === 200 && (JSON.parse(a.body) as { totalResults: number }).totalResults === 1, 'lookup of an existing user', a);
  };
  await drive(Math.min(500, LOOKUPS), () => job([]));
  const lat: number[] = [];
  const { result: wall, cpu } = await cpuPer(pid, () => LOOKUPS, () => drive(LOOKUPS, () => job(lat)));
  return { ...stats(lat, wall), cpu };
}

/**
 * Adds users straight into the SQLite file from this process, in one transaction, while the server
 * runs (WAL: the server keeps reading). Each row is a clone of a row the server wrote for this tenant,
 * so the column set and values are the server's own, whatever the schema currently holds.
 */
function seedDirect(server: RunningServer, tenantId: string, count: number): { names: string[]; ms: number } {
  const t = performance.now();
  const db = new SQLite(loadConfig(server.env).databaseFile);
  try {
    db.pragma('busy_timeout = 5000');
    const template = db.prepare('SELECT * FROM users WHERE tenant_id = ? LIMIT 1').get(tenantId) as Record<string, unknown> | undefined;
    if (!template) throw new Error('no user row to clone');
    const varying = ['id', 'user_name', 'user_name_key', 'external_id', 'email', 'created_at', 'updated_at'];
    const missing = varying.filter((k) => !(k in template));
    if (missing.length) throw new Error(`users table has no column(s) ${missing.join(', ')}: update bench/scim.ts`);
    const cols = Object.keys(template);
    const insert = db.prepare(`INSERT INTO users (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    const names: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const userName = newUserName(SMALL + i);
        const now = new Date().toISOString();
        insert.run({
          ...template, id: crypto.randomUUID(), user_name: userName, user_name_key: userName.toLowerCase(), external_id: crypto.randomUUID(),
          email: userName, created_at: now, updated_at: now,
        });
        names.push(userName);
      }
    })();
    // Fold the WAL back now, so the server's first commit afterwards does not pay for the checkpoint.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { names, ms: performance.now() - t };
  } finally {
    db.close();
  }
}

async function tenantSizes(server: RunningServer): Promise<{ small: Stats & { cpu: number | undefined }; large: Stats & { cpu: number | undefined }; seedMs: number }> {
  const t = await createTenant(server, 'Bench lookups');
  const c = new Client(t.scimUrl, t.bearerToken);
  try {
    const names: string[] = [];
    await drive(SMALL, async (i) => {
      const user = entraUser({ userName: newUserName(i) });
      const p = await c.request('POST', '/Users', [], JSON.stringify(user));
      expect(p.status === 201, 'seed create', p);
      names.push(user.userName);
    });
    const small = await lookupRun(c, names, server.pid);

    const seeded = seedDirect(server, t.tenantId, LARGE - SMALL);
    names.push(...seeded.names);
    const total = await c.request('GET', '/Users?count=0', []);
    expect(total.status === 200 && (JSON.parse(total.body) as { totalResults: number }).totalResults === LARGE, `tenant of ${LARGE} users`, total);
    const large = await lookupRun(c, names, server.pid);
    return { small, large, seedMs: seeded.ms };
  } finally {
    c.close();
  }
}

export async function run() {
  const started = performance.now();
  const bare = await baseline();

  // The per-tenant SCIM rate limit is lifted for the measurement: this bench measures what the server
  // can do, and the limit (printed below) is a separate, configured cap.
  const server = await startServer({ LOG_LEVEL: 'warn', SCIM_RATE_LIMIT_PER_MINUTE: String(1e9) });
  const limit = defaultRateLimit();
  try {
    const tenant = await createTenant(server, 'Bench sync');
    const sync = await initialSync(tenant, server.pid);
    const sizes = await tenantSizes(server);

    const lookupRatio = sync.lookups.rate / bare.get.rate;
    const createRatio = sync.creates.rate / bare.post.rate;
    const p50x = sizes.large.p50 / sizes.small.p50;
    const p99x = sizes.large.p99 / sizes.small.p99;

    console.log(`load generator                          node:http keep-alive agent, ${CONCURRENCY} clients, same process for every phase`);
    console.log(`server                                  dist/main.js, embedded SQLite (WAL, synchronous=NORMAL + an fdatasync of the WAL before each write is answered), LOG_LEVEL=warn`);
    if (limit !== undefined) {
      console.log(`SCIM rate limit                         lifted for this run; default ${int(limit)}/min per tenant = ${int(limit / 60)} req/s = ${int(limit / 120)} users/s of initial sync`);
    }
    console.log(`req/s = requests / (client time spent in them / ${CONCURRENCY} clients); latency = request start to last byte`);
    console.log('');
    console.log(`${label('baseline bare Fastify 5   GET')}${fig(bare.get)}   (wall ${int(bare.get.wallRate!)} req/s, n=${int(bare.get.n)})   ${cpuf(bare.cpu.GET, 'GET')}`);
    console.log(`${label('baseline bare Fastify 5   POST')}${fig(bare.post)}   (wall ${int(bare.post.wallRate!)} req/s, n=${int(bare.post.n)})   ${cpuf(bare.cpu.POST, 'POST')}`);
    console.log('');
    console.log(`${label(`initial sync of ${int(USERS)} users`)}${(sync.wallMs / 1000).toFixed(1)} s, ${int(USERS / (sync.wallMs / 1000))} users/s (a lookup and a create each)   ${cpuf(sync.cpu, 'user')}`);
    console.log(`${label('  lookups  userName eq, 0 hits')}${fig(sync.lookups)}   ${lookupRatio.toFixed(2)} of bare GET`);
    console.log(`${label('  creates  POST /Users, 201')}${fig(sync.creates)}   ${createRatio.toFixed(2)} of bare POST`);
    console.log('');
    console.log(`${label(`lookups, ${int(SMALL)} users in the tenant`)}${fig(sizes.small)}   ${(sizes.small.rate / bare.get.rate).toFixed(2)} of bare GET, n=${int(sizes.small.n)}   ${cpuf(sizes.small.cpu, 'lookup')}`);
    console.log(`${label(`lookups, ${int(LARGE)} users in the tenant`)}${fig(sizes.large)}   ${(sizes.large.rate / bare.get.rate).toFixed(2)} of bare GET, n=${int(sizes.large.n)}   ${cpuf(sizes.large.cpu, 'lookup')}`);
    console.log(`${label('  ratio 100k / 1k')}p50 ${p50x.toFixed(2)}x, p99 ${p99x.toFixed(2)}x   (${int(LARGE - SMALL)} rows inserted directly in ${(sizes.seedMs / 1000).toFixed(1)} s)`);
    console.log('');
    console.log('targets');
    console.log(`${label('  lookups >= 50 % of bare GET rate')}${`${(lookupRatio * 100).toFixed(1)} %`.padEnd(24)}${verdict(lookupRatio >= 0.5)}`);
    console.log(`${label('  creates >= 2,000 per second')}${`${int(sync.creates.rate)} /s`.padEnd(24)}${verdict(sync.creates.rate >= 2000)}`);
    console.log(`${label('  lookup at 100k <= 2x lookup at 1k')}${`p50 ${p50x.toFixed(2)}x, p99 ${p99x.toFixed(2)}x`.padEnd(24)}${verdict(p50x <= 2 && p99x <= 2)}`);
    console.log(`whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await server.stop();
  }
}
