// The one data layer: a Kysely instance over better-sqlite3, migrated to the latest schema at open.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Driver, type Migration, type MigrationProvider, type SqliteDatabase } from 'kysely';
import { GroupCommitDriver, type Conn } from './group-commit.js';
import { WalFlusher } from './wal-flusher.js';
import type { Database } from './schema.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0004 from './migrations/0004_exchanges_people.js';
import * as m0005 from './migrations/0005_tenant_console.js';
import * as m0006 from './migrations/0006_exchange_admin.js';
import * as m0007 from './migrations/0007_uploads.js';
import * as m0008 from './migrations/0008_blob_references.js';
import * as m0010 from './migrations/0010_maintenance_holds.js';
import * as m0011 from './migrations/0011_session_idle.js';

export type Db = Kysely<Database>;
export type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0004_exchanges_people': m0004,
  '0005_tenant_console': m0005,
  '0006_exchange_admin': m0006,
  '0007_uploads': m0007,
  '0008_blob_references': m0008,
  '0010_maintenance_holds': m0010,
  '0011_session_idle': m0011,
};

class StaticMigrations implements MigrationProvider {
  async getMigrations() { return migrations; }
}

export async function openDatabase(file: string): Promise<Db> {
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
  const { error, results } = await new Migrator({ db, provider: new StaticMigrations(), allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
  return db;
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

export const nowIso = () => new Date().toISOString();
