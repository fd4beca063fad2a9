import { unauthorized } from '../../errors.js';
import { digestsEqual, sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { liveTokens, type LiveToken } from './scim-token-cache.js';

// Compared against when the tenant is unknown, so an unknown tenant costs the same as a wrong token.
const DUMMY = sha256Hex('no-such-token');

/**
 * Checks a SCIM bearer token against the live tokens of exactly this tenant (a token is bound to its
 * tenant). Unknown tenant, wrong token and another tenant's token all give the same 401.
 */
export async function authenticateScim(ctx: Ctx, tenantId: string, authorization: string | undefined): Promise<void> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const presented = sha256Hex(match?.[1] ?? '');
  const now = nowIso();
  const tokens = await liveTokens(ctx.db, tenantId, now);
  let found: LiveToken | undefined;
  for (const t of tokens.length ? tokens : [{ id: '', token_hash: DUMMY, last_used_at: null, expires_at: null }]) {
    // No early exit: every live token is compared, in constant time.
    if (digestsEqual(presented, t.token_hash) && t.id) found = t;
  }
  if (!match || !found) throw unauthorized('The bearer token is missing or not valid for this tenant');
  // "Last used" to the minute, and one `scim.token.use` audit entry with it: a write per request would
  // cost a disk flush per SCIM call and flood the log. The UPDATE is guarded on the old value, so of
  // parallel requests only one records the minute.
  if (!found.last_used_at || Date.parse(found.last_used_at) < Date.now() - 60_000) {
    const cutoff = new Date(Date.now() - 60_000).toISOString();
    const tokenId = found.id;
    await ctx.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('scim_tokens').set({ last_used_at: now }).where('id', '=', tokenId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', cutoff)])).executeTakeFirst();
      if (Number(r.numUpdatedRows)) await recordAudit(trx, { tenantId, actor: 'scim', action: 'scim.token.use', target: `token:${tokenId}` });
    });
    // The cached row (scim-token-cache.ts) learns the minute, whoever recorded it.
    found.last_used_at = now;
  }
}
