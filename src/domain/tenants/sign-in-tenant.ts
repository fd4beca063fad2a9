// The tenant's own sign-in (username + password; never SAML). Failed attempts lock the account with a
// growing back-off, and an unknown username costs the same scrypt work as a known one.
import { AppError, unauthorized } from '../../errors.js';
import { hashPassword, randomSecret, sha256Hex, verifyPassword } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

const FREE_ATTEMPTS = 5;
const MAX_LOCK_MS = 3600_000;
const TENANT_SESSION_MS = 8 * 3600_000;
let dummyHash: Promise<string> | undefined;

export async function signInTenant(ctx: Ctx, username: unknown, password: unknown): Promise<{ tenantId: string; sessionToken: string }> {
  if (typeof username !== 'string' || typeof password !== 'string' || !username || password.length > 1024) {
    throw unauthorized('Wrong username or password');
  }
  const t = await ctx.db.selectFrom('tenants').select(['id', 'password_hash', 'failed_logins', 'locked_until'])
    .where('username', '=', username).executeTakeFirst();
  if (t?.locked_until && Date.parse(t.locked_until) > Date.now()) {
    const seconds = Math.ceil((Date.parse(t.locked_until) - Date.now()) / 1000);
    throw new AppError('too_many', `Too many failed sign-ins; try again in ${seconds} s`, String(seconds));
  }
  const ok = await verifyPassword(password, t?.password_hash ?? await (dummyHash ??= hashPassword(randomSecret())));
  if (!t || !ok) {
    if (t) {
      const failures = t.failed_logins + 1;
      const lockMs = failures >= FREE_ATTEMPTS ? Math.min(MAX_LOCK_MS, 60_000 * 2 ** (failures - FREE_ATTEMPTS)) : 0;
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('tenants').set({ failed_logins: failures, locked_until: lockMs ? new Date(Date.now() + lockMs).toISOString() : null })
          .where('id', '=', t.id).execute();
        await recordAudit(trx, { tenantId: t.id, actor: 'anonymous', action: 'tenant.signin.refused', detail: { failures } });
      });
    }
    throw unauthorized('Wrong username or password');
  }
  const sessionToken = randomSecret(32);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('tenants').set({ failed_logins: 0, locked_until: null }).where('id', '=', t.id).execute();
    await trx.insertInto('tenant_sessions').values({
      id_hash: sha256Hex(sessionToken), tenant_id: t.id, created_at: nowIso(), expires_at: new Date(Date.now() + TENANT_SESSION_MS).toISOString(),
    }).execute();
    await recordAudit(trx, { tenantId: t.id, actor: 'tenant', action: 'tenant.signin' });
  });
  return { tenantId: t.id, sessionToken };
}

export async function resolveTenantSession(ctx: Ctx, token: string | undefined): Promise<string | undefined> {
  if (!token || token.length > 128) return undefined;
  const row = await ctx.db.selectFrom('tenant_sessions').select('tenant_id')
    .where('id_hash', '=', sha256Hex(token)).where('expires_at', '>', nowIso()).executeTakeFirst();
  return row?.tenant_id;
}

export async function endTenantSession(ctx: Ctx, token: string): Promise<void> {
  await ctx.db.deleteFrom('tenant_sessions').where('id_hash', '=', sha256Hex(token)).execute();
}
