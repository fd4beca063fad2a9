// @fastify/rate-limit's counters in the database, so several instances share one limit per key
// (issue 7). Fixed windows: the counter restarts when a request arrives in a later window. One
// upsert per request, portable (ON CONFLICT … DO UPDATE … RETURNING runs on SQLite 3.35+ and
// PostgreSQL). The embedded default keeps the plugin's in-process store: one process, no writes.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from './index.js';
import { reusableQuery } from './reusable-query.js';

const count = reusableQuery((db, key: string, windowStart: number) =>
  db.insertInto('rate_limits').values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      count: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end`,
      window_start: sql<number>`excluded.window_start`,
    }))
    .returning('count'));

/** Counts one request under `key` in the window holding `now`; the count so far and the ms left. */
export async function countRequest(db: Db, key: string, windowMs: number, now = Date.now()): Promise<{ current: number; ttl: number }> {
  const windowStart = now - (now % windowMs);
  const { rows } = await count(db, key, windowStart);
  return { current: Number(rows[0]!.count), ttl: windowStart + windowMs - now };
}

/** A store class (the plugin constructs it) bound to `db`. */
export function databaseRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  return class DatabaseStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number) {
      countRequest(db, key, timeWindow).then((r) => callback(null, r), (err: Error) => callback(err));
    }
    child() {
      return new DatabaseStore();
    }
  };
}
