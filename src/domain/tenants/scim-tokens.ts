// SCIM bearer tokens of a tenant: rotation keeps the old token working (Entra is updated by hand, and
// a provisioning cycle may be running) until it is revoked or its set expiry passes.
import crypto from 'node:crypto';
import { invalid, notFound } from '../../errors.js';
import { randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { requireTenant } from './require-tenant.js';
import { forgetLiveTokens } from './scim-token-cache.js';

export interface TokenInfo { id: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null }

export async function listTokens(ctx: Ctx, tenantId: string): Promise<TokenInfo[]> {
  await requireTenant(ctx.db, tenantId);
  const rows = await ctx.db.selectFrom('scim_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
}

/** Issues a new token; the live old ones keep working, until `oldExpireInDays` days from now when given. */
export async function rotateToken(ctx: Ctx, tenantId: string, oldExpireInDays?: number, actor: 'operator' | 'tenant' = 'operator'): Promise<{ id: string; token: string }> {
  if (oldExpireInDays !== undefined && !(Number.isInteger(oldExpireInDays) && oldExpireInDays >= 0 && oldExpireInDays <= 365)) {
    throw invalid('--old-expires-in-days must be a whole number from 0 to 365');
  }
  await requireTenant(ctx.db, tenantId);
  const token = randomSecret(32);
  const id = crypto.randomUUID();
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    if (oldExpireInDays !== undefined) {
      const until = new Date(Date.now() + oldExpireInDays * 86_400_000).toISOString();
      await trx.updateTable('scim_tokens').set({ expires_at: until }).where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)])).execute();
    }
    await trx.insertInto('scim_tokens').values({
      id, tenant_id: tenantId, token_hash: sha256Hex(token), created_at: now, last_used_at: null, expires_at: null, revoked_at: null,
    }).execute();
    await recordAudit(trx, { tenantId, actor, action: 'token.rotate', target: `token:${id}`, detail: { oldExpireInDays } });
  });
  forgetLiveTokens(ctx.db);
  return { id, token };
}

/** Revokes one token by id, or every live token but the newest. Revoked tokens fail at their next use. */
export async function revokeTokens(ctx: Ctx, tenantId: string, which: { id: string } | 'all-but-newest', actor: 'operator' | 'tenant' = 'operator'): Promise<number> {
  await requireTenant(ctx.db, tenantId);
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const live = await trx.selectFrom('scim_tokens').select('id').where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null).orderBy('created_at', 'desc').orderBy('id').execute();
    const ids = which === 'all-but-newest' ? live.slice(1).map((r) => r.id) : live.filter((r) => r.id === which.id).map((r) => r.id);
    if (which !== 'all-but-newest' && !ids.length) throw notFound(`No live token "${which.id}" for tenant "${tenantId}"`);
    if (!ids.length) return 0;
    await trx.updateTable('scim_tokens').set({ revoked_at: nowIso() }).where('id', 'in', ids).execute();
    await recordAudit(trx, { tenantId, actor, action: 'token.revoke', detail: { tokens: ids } });
    return ids.length;
  });
  forgetLiveTokens(ctx.db);
  return revoked;
}
