import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

/**
 * Removes what has expired: AuthnRequest ids, replay-cache entries, sessions, rate-limit counters. Lookups already ignore
 * expired rows (an expired assertion is refused before its ID is looked up), so this only bounds size,
 * and runs on the housekeeping schedule rather than on every sign-in.
 */
export async function pruneExpired(ctx: Pick<Ctx, 'db'>): Promise<number> {
  const now = nowIso();
  let removed = 0;
  for (const table of ['saml_requests', 'saml_replay', 'sessions', 'tenant_sessions'] as const) {
    const res = await ctx.db.deleteFrom(table).where('expires_at', '<', now).executeTakeFirst();
    removed += Number(res.numDeletedRows);
  }
  // Rate-limit counters (PostgreSQL) of windows long past: their keys come from URLs, so any can appear.
  const stale = await ctx.db.deleteFrom('rate_limits').where('window_start', '<', Date.now() - 3_600_000).executeTakeFirst();
  return removed + Number(stale.numDeletedRows);
}
