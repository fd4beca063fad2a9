import { unauthorized } from '../../errors.js';
import { digestsEqual, sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

// Compared against when the tenant is unknown, so an unknown tenant costs the same as a wrong token.
const DUMMY = sha256Hex('no-such-token');

/**
 * Checks a SCIM bearer token against the live tokens of exactly this tenant (a token is bound to its
 * tenant). Unknown tenant, wrong token and another tenant's token all give the same 401.
 */
export async function authenticateScim(ctx: Ctx, tenantId: string, authorization: string | undefined): Promise<void> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const presented = sha256Hex(match?.[1] ?? '');
  const tokens = await ctx.db.selectFrom('scim_tokens').select(['id', 'token_hash'])
    .where('tenant_id', '=', tenantId).where('revoked_at', 'is', null).execute();
  let found: string | undefined;
  for (const t of tokens.length ? tokens : [{ id: '', token_hash: DUMMY }]) {
    // No early exit: every live token is compared, in constant time.
    if (digestsEqual(presented, t.token_hash) && t.id) found = t.id;
  }
  if (!match || !found) throw unauthorized('The bearer token is missing or not valid for this tenant');
  await ctx.db.updateTable('scim_tokens').set({ last_used_at: nowIso() }).where('id', '=', found).execute();
}
