// Starts the real, built server (dist/) as a child process on a free loopback port with a fresh data
// folder (and, with TEST_DATABASE=postgres, a fresh PostgreSQL database), and runs the real operator
// CLI against the same configuration.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, useDatabaseFor } from './test-database.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');
const run = promisify(execFile);

/** The operator CLI with the environment `env` (the server's own, or one a test builds): exit code and output. */
export async function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'bin/secure-exchange.js'), ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** kill -9 (no shutdown of any kind), keeping the data folder. */
  crash(): Promise<void>;
  /** Starts the server again on the same port, data folder and environment (after crash()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-test-'));
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extraEnv,
  };
  delete env.SECURE_EXCHANGE_MASTER_KEY;
  if (extraEnv.SECURE_EXCHANGE_MASTER_KEY) env.SECURE_EXCHANGE_MASTER_KEY = extraEnv.SECURE_EXCHANGE_MASTER_KEY;
  // The dialect is the test run's choice (TEST_DATABASE), never the caller's shell's DATABASE_URL; a
  // caller may name a database (a second instance on the same one) or none (DATABASE_URL: '' = SQLite).
  delete env.DATABASE_URL;
  const database = 'DATABASE_URL' in extraEnv ? undefined : await createTestDatabase(dataDir);
  if (extraEnv.DATABASE_URL) {
    env.DATABASE_URL = extraEnv.DATABASE_URL;
    useDatabaseFor(dataDir, extraEnv.DATABASE_URL);
  }
  else if (database?.url) env.DATABASE_URL = database.url;
  let out = '';
  let child: ChildProcess;
  try {
    child = await spawnServer(url, env, (d) => { out += d; });
  } catch (err) {
    await database?.drop();
    throw err;
  }
  // A process killed by a signal has no exit code, only a signal code.
  const running = () => child.exitCode === null && child.signalCode === null;
  const server: RunningServer = {
    url, port, pid: child.pid!, dataDir, env,
    output: () => out,
    cli: (args) => runCli(env, args),
    async crash() {
      if (!running()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await server.crash();
      child = await spawnServer(url, env, (d) => { out += d; });
      server.pid = child.pid!;
    },
    async stop() {
      if (running()) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
  return server;
}

async function spawnServer(url: string, env: NodeJS.ProcessEnv, output: (d: string) => void): Promise<ChildProcess> {
  let out = '';
  const collect = (d: Buffer) => { out += d; output(String(d)); };
  // SX_SERVER_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof when profiling a benchmark).
  const nodeArgs = (process.env.SX_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, 'dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`server did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

export interface TenantValues { tenantId: string; scimUrl: string; samlUrl: string; bearerToken: string; username: string; password: string }

export async function createTenant(server: RunningServer, name: string, id?: string): Promise<TenantValues> {
  const r = await server.cli(['tenant', 'create', '--name', name, ...(id ? ['--id', id] : []), '--json']);
  if (r.code !== 0) throw new Error(`tenant create failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TenantValues;
}
