// A consistent copy of the whole database while the service keeps writing: SQLite's VACUUM INTO
// reads one snapshot (a read transaction; in WAL mode writers go on) into a new file, which is then
// read table by table at leisure.
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from './index.js';

/** Tables that are bookkeeping of the database itself, not data: the target's own migration sets them. */
const NOT_DATA = new Set(['kysely_migration', 'kysely_migration_lock', 'sqlite_sequence']);

export interface Snapshot {
  /** Data tables in creation order, so a table comes after the ones its foreign keys point at. */
  tables: string[];
  rows(table: string): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function takeSnapshot(db: Db, file: string): Promise<Snapshot> {
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
