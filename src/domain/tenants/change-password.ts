// The tenant's password: changed by the tenant (current password required; every other console
// session ends), or reset by the operator for a locked-out firm (every session ends, the lock lifts).
import { invalid } from '../../errors.js';
import { hashPassword, randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { checkTenantCredentials, MAX_PASSWORD } from './tenant-credentials.js';
import { requireTenant } from './require-tenant.js';

const MIN_PASSWORD = 12;

/** The policy: long enough (a passphrase beats symbol rules, NIST SP 800-63B), bounded, not the username. */
function checkPolicy(password: unknown, username: string, current: string): string {
  if (typeof password !== 'string') throw invalid('"newPassword" must be a string');
  if ([...password].length < MIN_PASSWORD) throw invalid(`The new password must have at least ${MIN_PASSWORD} characters`);
  if (password.length > MAX_PASSWORD) throw invalid(`The new password must have at most ${MAX_PASSWORD} characters`);
  if (password.trim().toLowerCase() === username.toLowerCase()) throw invalid('The new password must not be the username');
  if (password === current) throw invalid('The new password must differ from the current one');
  return password;
}

export async function changeTenantPassword(ctx: Ctx, tenantId: string, sessionToken: string | undefined, currentPassword: unknown, newPassword: unknown) {
  const t = await ctx.db.selectFrom('tenants').select('username').where('id', '=', tenantId).executeTakeFirstOrThrow();
  if (typeof currentPassword !== 'string' || !currentPassword) throw invalid('Send "currentPassword" and "newPassword"');
  const next = checkPolicy(newPassword, t.username, currentPassword);
  await checkTenantCredentials(ctx, { by: { id: tenantId }, password: currentPassword, withTotp: false, purpose: 'password.change' });
  // Hashed before the transaction: scrypt takes ~100 ms, the write lock should not wait for it.
  const hash = await hashPassword(next);
  const keep = sha256Hex(sessionToken ?? '');
  return ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('tenants').set({ password_hash: hash, password_changed_at: nowIso() }).where('id', '=', tenantId).execute();
    // Whoever knew the old password may hold a session: all but this one end now.
    const ended = await trx.deleteFrom('tenant_sessions').where('tenant_id', '=', tenantId).where('id_hash', '!=', keep).executeTakeFirst();
    const otherSessionsEnded = Number(ended.numDeletedRows);
    await recordAudit(trx, { tenantId, actor: 'tenant', action: 'tenant.password.change', detail: { otherSessionsEnded } });
    return { changed: true, otherSessionsEnded };
  });
}

/** The operator's reset: a new random password (returned once), the lock lifted, every session ended. */
export async function resetTenantPassword(ctx: Ctx, tenantId: string, opts: { disableTotp?: boolean } = {}) {
  await requireTenant(ctx.db, tenantId);
  const password = randomSecret(18);
  const hash = await hashPassword(password);
  return ctx.db.transaction().execute(async (trx) => {
    const t = await trx.updateTable('tenants')
      .set({ password_hash: hash, password_changed_at: nowIso(), failed_logins: 0, locked_until: null,
        ...(opts.disableTotp ? { totp_secret: null, totp_pending: null, totp_last_step: null } : {}) })
      .where('id', '=', tenantId).returning(['username', 'totp_secret']).executeTakeFirstOrThrow();
    const ended = await trx.deleteFrom('tenant_sessions').where('tenant_id', '=', tenantId).executeTakeFirst();
    await recordAudit(trx, { tenantId, actor: 'operator', action: 'tenant.password.reset', detail: { sessionsEnded: Number(ended.numDeletedRows), totpDisabled: !!opts.disableTotp } });
    return { tenantId, username: t.username, password, totpEnabled: t.totp_secret !== null };
  });
}
