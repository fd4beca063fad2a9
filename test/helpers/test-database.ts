// Which database the tests run on: SQLite in the data folder (the default), or, with
// TEST_DATABASE=postgres, a fresh PostgreSQL database per test server or unit test, dropped after.
// TEST_PG_URL names the server (default: the machine's, 127.0.0.1:5432, trust auth, database `test`).
// The helpers that look into a server's database (countRows, query, withDatabase) are synchronous, as
// better-sqlite3 is; on PostgreSQL each statement goes to a worker thread (pg-sync-child.mjs) while the
// caller waits on Atomics.wait.
import { execFileSync } from 'node:child_process';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

export const onPostgres = process.env.TEST_DATABASE === 'postgres';
const adminUrl = process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pg-sync-child.mjs');

/** The PostgreSQL database of each test data folder (set by startServer). */
const urls = new Map<string, string>();

function databaseUrl(name: string) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try { await c.query(statement); } finally { await c.end(); }
}

export interface TestDatabase {
  /** What openDatabase / DATABASE_URL takes: a postgres:// URL, or undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A new, empty database on PostgreSQL (none on SQLite: the server makes its file in its data folder). */
export async function createTestDatabase(dataDir?: string): Promise<TestDatabase> {
  if (!onPostgres) return { url: undefined, drop: async () => undefined };
  const name = `sx_test_${process.pid}_${crypto.randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  // Throwaway databases: a commit need not wait for the disk flush. Only a crash of PostgreSQL itself
  // could lose such a commit, and no test crashes PostgreSQL (crash tests kill the app server).
  await admin(`alter database ${name} set synchronous_commit = off`);
  const url = databaseUrl(name);
  if (dataDir) urls.set(dataDir, url);
  return {
    url,
    async drop() {
      if (dataDir) urls.delete(dataDir);
      // FORCE: a crashed server (kill -9) may leave connections behind until PostgreSQL notices.
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** A server started on a database it does not own (a second instance, a restore target): the helpers' view. */
export function useDatabaseFor(dataDir: string, url: string) {
  urls.set(dataDir, url);
}

/** openDatabase's argument for a throwaway database of a unit test, and its cleanup. */
export async function scratchDatabase(): Promise<{ target: string; drop(): Promise<void> }> {
  const db = await createTestDatabase();
  if (db.url) return { target: db.url, drop: db.drop };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-db-'));
  return { target: path.join(dir, 'db.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** openDatabase's argument for the database of a test server's data folder. */
export function databaseTarget(dataDir: string): string {
  return urls.get(dataDir) ?? path.join(dataDir, 'secure-exchange.sqlite');
}

interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
/** The part of better-sqlite3's Database the tests use. */
export interface SyncDb { prepare(sql: string): Statement; pragma(p: string): unknown; close(): void }

/**
 * SQLite's placeholders as PostgreSQL's `$n`: `?` in order, or better-sqlite3's named `@name` bound
 * from one object (the tests' SQL has neither inside literals).
 */
function numbered(sql: string, params: unknown[]): { sql: string; values: unknown[] } {
  const named = params.length === 1 && typeof params[0] === 'object' && params[0] !== null && !Array.isArray(params[0]) && /@\w/.test(sql);
  if (named) {
    const bag = params[0] as Record<string, unknown>;
    const values: unknown[] = [];
    return { sql: sql.replace(/@(\w+)/g, (_, name: string) => { values.push(bag[name]); return `$${values.length}`; }), values };
  }
  let i = 0;
  return { sql: sql.replace(/\?/g, () => `$${++i}`), values: params };
}

let worker: Worker | undefined;

/** Runs one statement on the worker's connection and waits for it (Atomics.wait: a real synchronous call). */
function pgRun(url: string, statement: string, params: unknown[]): { rows: unknown[]; rowCount: number } {
  const { sql, values } = numbered(statement, params);
  if (!worker) {
    worker = new Worker(child);
    worker.unref();
  }
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ url, sql, params: values, port: port2, signal }, [port2]);
  if (Atomics.wait(signal, 0, 0, 60_000) === 'timed-out') throw new Error(`no answer from PostgreSQL to: ${sql}`);
  const answer = receiveMessageOnPort(port1)!.message as { rows: unknown[]; rowCount: number; error?: string };
  port1.close();
  if (answer.error) throw new Error(`${answer.error} (in: ${sql})`);
  return answer;
}

/** Closes the helpers' connections when the test file's process is done with them. */
export async function closeSyncConnections() {
  await worker?.terminate();
  worker = undefined;
}

/** The database of a test server's data folder, opened synchronously (SQLite, or PostgreSQL's facade). */
export function openSync(dataDir: string, opts: { readonly?: boolean } = {}): SyncDb {
  const url = urls.get(dataDir);
  if (!url) return new SQLite(path.join(dataDir, 'secure-exchange.sqlite'), { fileMustExist: true, readonly: !!opts.readonly }) as unknown as SyncDb;
  return {
    prepare: (sql) => ({
      get: (...params) => pgRun(url, sql, params).rows[0],
      all: (...params) => pgRun(url, sql, params).rows,
      run: (...params) => ({ changes: pgRun(url, sql, params).rowCount }),
    }),
    pragma: () => undefined,
    close: () => undefined,
  };
}

/** A bare Kysely over a scratch database, without SecureExchange's migrations (to build an old schema). */
export function bareKysely(target: string): Kysely<any> {
  if (/^postgres(ql)?:/.test(target)) return new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target, max: 1 }) }) });
  return new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(target) }) });
}

/** Every byte the database holds, to prove a secret is not among them (SQLite's file, or a pg_dump). */
export function databaseBytes(dataDir: string): Buffer {
  const url = urls.get(dataDir);
  if (!url) return fs.readFileSync(path.join(dataDir, 'secure-exchange.sqlite'));
  return execFileSync('pg_dump', ['--data-only', url], { maxBuffer: 512 * 1024 * 1024 });
}
