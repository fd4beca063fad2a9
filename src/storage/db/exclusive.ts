// Work that must run on one instance at a time when several share a PostgreSQL database (the
// scheduled housekeeping): a session-level advisory lock held on one reserved connection while the work
// runs. An instance that dies loses its connection and with it the lock, so the next instance's turn
// runs the work; nothing is left locked. SQLite serves one process, which runs its own jobs.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Db } from './index.js';

/** A stable 64-bit advisory lock key per name (advisory keys share one space with other applications). */
const lockKey = (name: string) => crypto.createHash('sha256').update(`secure-exchange:${name}`).digest().readBigInt64BE(0);

/** Runs `work` unless another instance is running the work of the same name; returns whether it ran. */
export async function runExclusively(db: Db, name: string, work: () => Promise<void>): Promise<boolean> {
  if (!isPostgres(db)) {
    await work();
    return true;
  }
  const key = lockKey(name).toString();
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}::bigint) as locked`.execute(conn);
    if (!rows[0]?.locked) return false;
    try {
      await work();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn);
    }
  });
}
