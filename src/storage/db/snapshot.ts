// A consistent copy of the whole database while the service keeps writing (PostgreSQL:
// snapshot-postgres.ts). SQLite's VACUUM INTO
// reads one snapshot (a read transaction; in WAL mode writers go on) into a new file, which is then
// read table by table at leisure.
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { PostgresAdapter, sql } from 'kysely';
import { resetIdentities, takePostgresSnapshot } from './snapshot-postgres.js';
import type { Db } from './index.js';

/** Tables that are bookkeeping of the database itself, not data: the target's own migration sets them. */
const NOT_DATA = new Set(['kysely_migration', 'kysely_migration_lock', 'sqlite_sequence']);

export interface Snapshot {
  /** Data tables in creation order, so a table comes after the ones its foreign keys point at. */
  tables: string[];
  rows(table: string): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}

/** `file`: where SQLite's copy goes meanwhile (removed at close); PostgreSQL reads in a transaction instead. */
export async function takeSnapshot(db: Db, file: string): Promise<Snapshot> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return takePostgresSnapshot(db);
  await sql`vacuum into ${file}`.execute(db);
  const copy = new SQLite(file, { readonly: true });
  const tables = (copy.prepare("select name from sqlite_master where type = 'table' order by rowid").all() as Array<{ name: string }>)
    .map((r) => r.name).filter((n) => !NOT_DATA.has(n) && !n.startsWith('sqlite_'));
  return {
    tables,
    async *rows(table) {
      if (!tables.includes(table)) throw new Error(`no table ${table} in the snapshot`);
      yield* copy.prepare(`select * from "${table}" order by rowid`).iterate() as Iterable<Record<string, unknown>>;
    },
    close: async () => {
      copy.close();
      fs.rmSync(file, { force: true });
    },
  };
}

/** After a restore inserted rows with their own ids: continue numbering after them (SQLite's AUTOINCREMENT does so itself). */
export async function afterRestore(db: Db): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await resetIdentities(db);
}
