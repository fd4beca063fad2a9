// The one data layer: a Kysely instance over better-sqlite3 (the embedded default) or PostgreSQL
// (DATABASE_URL), migrated to the latest schema at open. Both run the same queries and migrations;
// where a dialect needs its own SQL the query asks isPostgres() at the narrowest place.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely, Migrator, PostgresDialect, SqliteDialect,
  type Driver, type QueryCompiler, type Migration, type MigrationProvider, type SqliteDatabase,
} from 'kysely';
import { GroupCommitDriver, type Conn } from './group-commit.js';
import { WalFlusher } from './wal-flusher.js';
import { LiteralLimitSqliteCompiler } from './sqlite-compiler.js';
import type { Database } from './schema.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0004 from './migrations/0004_exchanges_people.js';
import * as m0005 from './migrations/0005_tenant_console.js';
import * as m0006 from './migrations/0006_exchange_admin.js';
import * as m0007 from './migrations/0007_uploads.js';
import * as m0008 from './migrations/0008_blob_references.js';
import * as m0009 from './migrations/0009_rate_limits.js';
import * as m0010 from './migrations/0010_maintenance_holds.js';
import * as m0011 from './migrations/0011_session_idle.js';
import * as m0012 from './migrations/0012_shared_uploads.js';

export type Db = Kysely<Database>;
export type { Database } from './schema.js';
export { isPostgres } from './dialect.js';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0004_exchanges_people': m0004,
  '0005_tenant_console': m0005,
  '0006_exchange_admin': m0006,
  '0007_uploads': m0007,
  '0008_blob_references': m0008,
  '0009_rate_limits': m0009,
  '0010_maintenance_holds': m0010,
  '0011_session_idle': m0011,
  '0012_shared_uploads': m0012,
};

class StaticMigrations implements MigrationProvider {
  async getMigrations() { return migrations; }
}

/**
 * Whether every migration is recorded as done: then the Migrator (which introspects the catalog and,
 * on PostgreSQL, takes its lock: a good part of a CLI command's start) has nothing to do.
 */
async function upToDate(db: Db): Promise<boolean> {
  try {
    const rows = await db.selectFrom('kysely_migration' as never).select('name' as never).execute() as Array<{ name: string }>;
    const done = new Set(rows.map((r) => r.name));
    return Object.keys(migrations).every((name) => done.has(name));
  } catch {
    return false; // a new database: no migration table yet
  }
}

/** `target`: a postgres:// URL, else the path of the SQLite file. */
export async function openDatabase(target: string): Promise<Db> {
  const db = /^postgres(ql)?:\/\//.test(target) ? openPostgres(target) : openSqlite(target);
  if (await upToDate(db)) return db;
  const { error, results } = await new Migrator({ db, provider: new StaticMigrations(), allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
  return db;
}

function openSqlite(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(file);
  // The database holds hashes and wrapped keys: readable by the service's user only.
  fs.chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL: SQLite itself does not flush at COMMIT (only at checkpoints, which keeps the file
  // consistent); the group-commit driver flushes the WAL file after each COMMIT on a libuv thread and
  // acknowledges nothing before that flush, so an acknowledged write (a provisioned user, an uploaded
  // document) survives a power cut as with FULL — without stalling the event loop for the flush.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // A WAL reset after a checkpoint keeps at most this much file (it would otherwise stay at its peak).
  sqlite.pragma('journal_size_limit = 67108864');
  // Server and CLI may write at once; wait for the lock instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  // The reading connection (see group-commit.ts) is never written through.
  const reader = new SQLite(file);
  reader.pragma('query_only = ON');
  reader.pragma('busy_timeout = 5000');
  for (const conn of [sqlite, reader]) unicodeLower(conn);
  const dialect = new GroupCommitSqliteDialect(sqlite, reader);
  const db = new Kysely<Database>({ dialect });
  // data_version of the writing connection changes only when another connection commits; the reading
  // one never writes, so that is another process (the CLI).
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  // Read once per turn of the event loop, not per request: SQLite prepares a PRAGMA anew at every run
  // (~10 µs in the SCIM path, where every request asks); a commit by another process can only be
  // seen from the next turn on anyway.
  let seen: number | undefined;
  elsewhere.set(db, () => {
    if (seen === undefined) {
      seen = dataVersion.get() as number;
      setImmediate(() => { seen = undefined; });
    }
    return seen;
  });
  writers.set(db, {
    writer: sqlite,
    exclusive: (work) => {
      if (!dialect.driver) throw new Error('the database is not open yet');
      return dialect.driver.exclusive(work);
    },
  });
  return db;
}

// int8 (COUNT(*), bigint columns such as a document's size) and numeric (SUM of bigint) arrive from pg
// as strings, to be safe beyond 2^53; the schema's integers are counts, sizes and sequence numbers far
// below that, and SQLite hands them over as numbers: PostgreSQL's become numbers too, so both dialects
// give callers one representation.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * PostgreSQL: a pool of ordinary transactions at READ COMMITTED. Uniqueness rests on the unique
 * indexes (a concurrent duplicate insert waits for the first and then fails with 23505), and the one
 * read-then-write that must not interleave, the audit chain, locks its tenant row (record-audit.ts).
 * Group commit is SQLite's answer to one fsync per transaction; PostgreSQL commits concurrent
 * transactions in one WAL flush by itself.
 */
function openPostgres(url: string): Db {
  // 10 (pg's default): on this class of machine the server's CPU, not the pool, bounds throughput.
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
  // An idle client whose server connection drops (a PostgreSQL restart) emits 'error' on the pool;
  // unhandled it would end the process. The next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  // A connection in use that drops emits 'error' on its client, which nobody else listens to; the
  // query running on it fails on its own (answered 503, see http/errors.ts).
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Every other instance (and the CLI) writes to the same database: no in-process cache may trust
  // itself beyond the current call, so the number changes at every call.
  let calls = 0;
  elsewhere.set(db, () => ++calls);
  return db;
}

/**
 * SQLite's lower() folds ASCII only, PostgreSQL's (UTF-8) all of Unicode, and the keys the code lowers
 * itself (userName, e-mail) are JavaScript's toLowerCase(): replaced by that, a case-insensitive
 * comparison (SCIM filters, the people search) matches the same rows on both dialects.
 */
function unicodeLower(conn: SQLite.Database) {
  conn.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
}

/** SQLite's dialect (compiler, adapter, introspector) over the group-commit driver. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(
    private readonly writer: SQLite.Database, private readonly reader: SQLite.Database,
    private readonly wal = new WalFlusher(`${writer.name}-wal`),
  ) {
    super({ database: writer as unknown as SqliteDatabase });
  }
  driver: GroupCommitDriver | undefined;
  override createQueryCompiler(): QueryCompiler {
    return new LiteralLimitSqliteCompiler();
  }
  override createDriver(): Driver {
    return (this.driver = new GroupCommitDriver(withStatementCache(this.writer), withStatementCache(this.reader), this.wal));
  }
}

/**
 * Kysely prepares every query anew; preparing costs about as much as running an indexed lookup. The
 * queries are few and fixed in shape (values are parameters), so prepared statements are kept by SQL.
 */
function withStatementCache(sqlite: SQLite.Database): Conn {
  const cache = new Map<string, SQLite.Statement>();
  return {
    sqlite,
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= 2000) cache.clear(); // bound: a flood of distinct filters cannot grow it without end
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

export interface SqliteHandle {
  writer: SQLite.Database;
  /** Runs `work` while this process has no write transaction open and starts none (checkpoints.ts). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}
const writers = new WeakMap<Db, SqliteHandle>();

/** The SQLite underneath a database opened by openDatabase (undefined on other dialects). */
export function sqliteOf(db: Db): SqliteHandle | undefined {
  return writers.get(db);
}

const elsewhere = new WeakMap<Db, () => number>();

/**
 * A number that changes whenever another process (the CLI) has committed to the database since the
 * last call, so an in-process cache of rows can be dropped at once. Cheap (no I/O): safe per request.
 * On PostgreSQL it changes at every call (other instances cannot be observed without I/O).
 */
export function writesElsewhere(db: Db): number {
  const read = elsewhere.get(db);
  if (!read) throw new Error('not a database opened by openDatabase');
  return read();
}

/** SQLite and PostgreSQL both report unique violations with recognisable codes. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}

// The time as stored (ISO 8601, UTC, ms). Formatting costs twenty times reading the clock, and a SCIM write
// asks for the time several times within one millisecond: the string is made once per millisecond.
let isoMs = -1;
let iso = '';
export const nowIso = (): string => {
  const ms = Date.now();
  if (ms !== isoMs) {
    iso = new Date(ms).toISOString();
    isoMs = ms;
  }
  return iso;
};
