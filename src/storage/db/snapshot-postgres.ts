// A consistent copy of a PostgreSQL database while the service keeps writing: one connection holds a
// REPEATABLE READ READ ONLY transaction for the whole backup, so every table is read from the same
// snapshot; rows come in pages by ctid (stable within the snapshot, a TID range scan per page).
import { sql, type Kysely } from 'kysely';
import type { Snapshot } from './snapshot.js';

const PAGE = 1000;

export async function takePostgresSnapshot(db: Kysely<any>): Promise<Snapshot> {
  let release!: () => void;
  const done = new Promise<void>((resolve) => { release = resolve; });
  let conn: Kysely<any> | undefined;
  let ready!: () => void;
  const opened = new Promise<void>((resolve) => { ready = resolve; });
  const held = db.connection().execute(async (c) => {
    await sql`begin isolation level repeatable read read only`.execute(c);
    conn = c;
    ready();
    try {
      await done;
    } finally {
      await sql`rollback`.execute(c);
    }
  });
  await Promise.race([opened, held]);
  if (!conn) throw new Error('the snapshot transaction did not start');
  const c = conn;
  const tables = await tablesInDependencyOrder(c);
  return {
    tables,
    async *rows(table) {
      if (!tables.includes(table)) throw new Error(`no table ${table} in the snapshot`);
      let after = '(0,0)';
      for (;;) {
        const page = (await sql<Record<string, unknown> & { __ctid: string }>`select ctid::text as "__ctid", * from ${sql.table(table)} where ctid > ${after}::tid order by ctid limit ${sql.lit(PAGE)}`.execute(c)).rows;
        for (const row of page) {
          after = row.__ctid;
          const { __ctid: _, ...data } = row;
          yield data;
        }
        if (page.length < PAGE) return;
      }
    },
    close: async () => {
      release();
      await held;
    },
  };
}

/** The schema's tables, each after the tables its foreign keys point at (restore inserts in this order). */
async function tablesInDependencyOrder(c: Kysely<any>): Promise<string[]> {
  const names = (await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') order by c.oid`.execute(c)).rows.map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_'));
  const edges = (await sql<{ child: string; parent: string }>`select cc.relname as child, pc.relname as parent from pg_constraint k
    join pg_class cc on cc.oid = k.conrelid join pg_class pc on pc.oid = k.confrelid join pg_namespace n on n.oid = k.connamespace
    where k.contype = 'f' and n.nspname = current_schema()`.execute(c)).rows;
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const e of edges) if (e.child === t && e.parent !== t) visit(e.parent);
    visiting.delete(t);
    if (names.includes(t)) ordered.push(t);
  };
  for (const t of names) visit(t);
  return ordered;
}

/** After rows were inserted with their own ids, identity columns continue after the largest one. */
export async function resetIdentities(db: Kysely<any>): Promise<void> {
  const cols = (await sql<{ table_name: string; column_name: string }>`select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and is_identity = 'YES'`.execute(db)).rows;
  for (const { table_name: t, column_name: col } of cols) {
    await sql`select setval(pg_get_serial_sequence(${`"${t}"`}, ${col}), coalesce((select max(${sql.ref(col)}) from ${sql.table(t)}), 0) + 1, false)`.execute(db);
  }
}
