// The live SCIM tokens of a tenant, kept in memory for a moment: every SCIM request is authenticated,
// and reading the tokens was a query per request. A revocation takes effect at once: the cache is
// dropped when any other process (the CLI's `token revoke`, `tenant delete`) commits to the database,
// or by this process (forgetLiveTokens), and never kept longer than a second in any case.
import type { Db } from '../../storage/db/index.js';
import { writesElsewhere } from '../../storage/db/index.js';

export interface LiveToken { id: string; token_hash: string; last_used_at: string | null; expires_at: string | null }

const TTL_MS = 1_000;
// Bound: tenants are few; only tenants with live tokens are kept, so unknown ids never fill it.
const MAX_TENANTS = 1_000;

interface Entry { tokens: LiveToken[]; at: number }
const caches = new WeakMap<Db, { version: number; tenants: Map<string, Entry> }>();

/** The tenant's tokens that are neither revoked nor expired at `now` (ISO time). */
export async function liveTokens(db: Db, tenantId: string, now: string): Promise<LiveToken[]> {
  const version = writesElsewhere(db);
  let cache = caches.get(db);
  if (!cache || cache.version !== version) caches.set(db, cache = { version, tenants: new Map() });
  const hit = cache.tenants.get(tenantId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.tokens.filter((t) => t.expires_at === null || t.expires_at > now);
  const at = Date.now();
  const tokens = await db.selectFrom('scim_tokens').select(['id', 'token_hash', 'last_used_at', 'expires_at'])
    .where('tenant_id', '=', tenantId).where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).execute();
  // Not kept if another process wrote while the query ran: the rows may predate its write.
  if (tokens.length && writesElsewhere(db) === cache.version) {
    if (cache.tenants.size >= MAX_TENANTS) cache.tenants.clear();
    cache.tenants.set(tenantId, { tokens, at });
  }
  return tokens;
}

/** After a change of tokens in this process (rotation with an expiry, revocation, tenant deletion). */
export function forgetLiveTokens(db: Db) {
  caches.delete(db);
}
