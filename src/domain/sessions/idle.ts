// Idle sessions end on the server too (SESSION_IDLE_SECONDS, 15 minutes by default), whatever the
// browser does: a cookie left in an abandoned or stolen browser stops working. Last use is written at
// most once a minute per session, not at every request.
import { sql } from 'kysely';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

type SessionTableName = 'sessions' | 'tenant_sessions' | 'client_sessions';
const TOUCH_EVERY_MS = 60_000;

/** A session's last use: when it was last seen, else when it began. */
export const lastUse = (table: SessionTableName) =>
  sql<string>`coalesce(${sql.ref(`${table}.last_seen_at`)}, ${sql.ref(`${table}.created_at`)})`;

/** Sessions last used before this are idle (over). */
export const idleBefore = (ctx: Pick<Ctx, 'config'>) => new Date(Date.now() - ctx.config.sessionIdleSeconds * 1000).toISOString();

/** Records a use of the session, if the last one recorded is over a minute old. */
export async function touchSession(ctx: Pick<Ctx, 'db'>, table: SessionTableName, idHash: string, lastUsed: string): Promise<void> {
  if (Date.now() - Date.parse(lastUsed) < TOUCH_EVERY_MS) return;
  await ctx.db.updateTable(table).set({ last_seen_at: nowIso() }).where('id_hash', '=', idHash).execute();
}
