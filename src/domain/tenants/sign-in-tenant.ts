// The tenant's own sign-in (username + password, then a TOTP code once enrolled; never SAML). The
// credential check, with its lockout, lives in tenant-credentials.ts.
import { randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { idleBefore, lastUse, touchSession } from '../sessions/idle.js';
import { checkTenantCredentials } from './tenant-credentials.js';

const TENANT_SESSION_MS = 8 * 3600_000;

export async function signInTenant(ctx: Ctx, username: unknown, password: unknown, totp?: unknown): Promise<{ tenantId: string; sessionToken: string }> {
  const tenant = await checkTenantCredentials(ctx, { by: { username: username as string }, password, totp, withTotp: true, purpose: 'signin' });
  const sessionToken = randomSecret(32);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('tenant_sessions').values({
      id_hash: sha256Hex(sessionToken), tenant_id: tenant.id, created_at: nowIso(), expires_at: new Date(Date.now() + TENANT_SESSION_MS).toISOString(),
    }).execute();
    await recordAudit(trx, { tenantId: tenant.id, actor: 'tenant', action: 'tenant.signin' });
  });
  return { tenantId: tenant.id, sessionToken };
}

export async function resolveTenantSession(ctx: Ctx, token: string | undefined): Promise<string | undefined> {
  if (!token || token.length > 128) return undefined;
  const idHash = sha256Hex(token);
  const row = await ctx.db.selectFrom('tenant_sessions').select('tenant_id').select(lastUse('tenant_sessions').as('lastUse'))
    .where('id_hash', '=', idHash).where('expires_at', '>', nowIso())
    .where(lastUse('tenant_sessions'), '>', idleBefore(ctx)).executeTakeFirst();
  if (!row) return undefined;
  await touchSession(ctx, 'tenant_sessions', idHash, row.lastUse);
  return row.tenant_id;
}

export async function endTenantSession(ctx: Ctx, token: string): Promise<void> {
  await ctx.db.deleteFrom('tenant_sessions').where('id_hash', '=', sha256Hex(token)).execute();
}
