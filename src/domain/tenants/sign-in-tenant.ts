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
  // Each attempt is counted before the password is checked, in one atomic UPDATE: parallel guesses
  // cannot all read the same count and slip past the lock. The count resets only on success.
  const now = nowIso();
  const attempt = await ctx.db.updateTable('tenants').set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('username', '=', username).where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['id', 'password_hash', 'failed_logins']).executeTakeFirst();
  if (!attempt) {
    const locked = await ctx.db.selectFrom('tenants').select('locked_until').where('username', '=', username).executeTakeFirst();
    if (locked?.locked_until) throw tooMany(locked.locked_until);
    await verifyPassword(password, await (dummyHash ??= hashPassword(randomSecret()))); // same cost as a known username
    throw unauthorized('Wrong username or password');
  }
  const failures = attempt.failed_logins;
  if (failures > FREE_ATTEMPTS) {
    // Attempts beyond the free ones that raced the lock: refused unchecked, and the lock (re)set.
    const until = lockUntil(failures);
    await ctx.db.updateTable('tenants').set({ locked_until: until }).where('id', '=', attempt.id).execute();
    throw tooMany(until);
  }
  if (!(await verifyPassword(password, attempt.password_hash))) {
    const until = failures >= FREE_ATTEMPTS ? lockUntil(failures) : null;
    await ctx.db.transaction().execute(async (trx) => {
      if (until) await trx.updateTable('tenants').set({ locked_until: until }).where('id', '=', attempt.id).execute();
      await recordAudit(trx, { tenantId: attempt.id, actor: 'anonymous', action: 'tenant.signin.refused', detail: { failures } });
    });
    throw unauthorized('Wrong username or password');
  }
  const sessionToken = randomSecret(32);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('tenants').set({ failed_logins: 0, locked_until: null }).where('id', '=', attempt.id).execute();
    await trx.insertInto('tenant_sessions').values({
      id_hash: sha256Hex(sessionToken), tenant_id: attempt.id, created_at: nowIso(), expires_at: new Date(Date.now() + TENANT_SESSION_MS).toISOString(),
    }).execute();
    await recordAudit(trx, { tenantId: attempt.id, actor: 'tenant', action: 'tenant.signin' });
  });
  return { tenantId: attempt.id, sessionToken };
}

/** One minute after the fifth failure, doubling with each further one, at most an hour. */
function lockUntil(failures: number): string {
  return new Date(Date.now() + Math.min(MAX_LOCK_MS, 60_000 * 2 ** Math.max(0, failures - FREE_ATTEMPTS))).toISOString();
}

function tooMany(until: string): AppError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  return new AppError('too_many', `Too many failed sign-ins; try again in ${seconds} s`, String(seconds));
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
