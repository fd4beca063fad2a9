// The one check of the tenant's credentials (password, then TOTP once enrolled), shared by sign-in and
// by the re-checks before a password change or TOTP removal. Every attempt goes through one lockout
// counter: a wrong password and a wrong (or replayed) TOTP code count alike, so neither can be
// brute-forced, and a stolen session cannot be used to guess the password either.
import { AppError, unauthorized } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import { hashPassword, randomSecret, verifyPassword } from '../../storage/crypto/passwords.js';
import { checkTotp } from '../../storage/crypto/totp.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { tenantKey } from './tenant-key.js';

const FREE_ATTEMPTS = 5;
const MAX_LOCK_MS = 3600_000;
export const MAX_PASSWORD = 1024;
/** The hint that makes the JSON API add `"totpRequired": true` to the error (src/http/error-responses.ts). */
export const TOTP_REQUIRED = 'totp_required';
let dummyHash: Promise<string> | undefined;

export const totpContext = (tenantId: string) => `tenant-totp:${tenantId}`;

export interface CredentialCheck {
  /** Find the tenant by its username (sign-in) or by id (a re-check inside a session). */
  by: { username: string } | { id: string };
  password: unknown;
  /** Checked when the tenant has TOTP on and `withTotp` is set. */
  totp?: unknown;
  withTotp: boolean;
  /** Written into the audit entry of a refusal. */
  purpose: 'signin' | 'password.change' | 'totp.disable';
}

/** The tenant whose credentials these are; 401 (wrong), 429 (locked) otherwise, each failure counted and audited. */
export async function checkTenantCredentials(ctx: Ctx, c: CredentialCheck): Promise<{ id: string; username: string }> {
  const wrong = () => unauthorized(c.purpose === 'signin' ? 'Wrong username or password' : 'Wrong password');
  const key = 'username' in c.by ? c.by.username : c.by.id;
  if (typeof key !== 'string' || !key || typeof c.password !== 'string' || c.password.length > MAX_PASSWORD) throw wrong();
  const password = c.password;
  // Each attempt is counted before the password is checked, in one atomic UPDATE: parallel guesses
  // cannot all read the same count and slip past the lock. The count resets only on success.
  const now = nowIso();
  const match = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q =>
    ('username' in c.by ? q.where('username', '=', key) : q.where('id', '=', key));
  const attempt = await match(ctx.db.updateTable('tenants').set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) })))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['id', 'username', 'password_hash', 'failed_logins', 'totp_secret', 'totp_last_step']).executeTakeFirst();
  if (!attempt) {
    const locked = await match(ctx.db.selectFrom('tenants').select('locked_until')).executeTakeFirst();
    if (locked?.locked_until) throw tooMany(locked.locked_until);
    await verifyPassword(password, await (dummyHash ??= hashPassword(randomSecret()))); // same cost as a known username
    throw wrong();
  }
  const failures = attempt.failed_logins;
  if (failures > FREE_ATTEMPTS) {
    // Attempts beyond the free ones that raced the lock: refused unchecked, and the lock (re)set.
    const until = lockUntil(failures);
    await ctx.db.updateTable('tenants').set({ locked_until: until }).where('id', '=', attempt.id).execute();
    throw tooMany(until);
  }
  const refuse = async (reason: 'password' | 'totp', error: AppError): Promise<never> => {
    const until = failures >= FREE_ATTEMPTS ? lockUntil(failures) : null;
    await ctx.db.transaction().execute(async (trx) => {
      if (until) await trx.updateTable('tenants').set({ locked_until: until }).where('id', '=', attempt.id).execute();
      await recordAudit(trx, {
        tenantId: attempt.id, actor: c.purpose === 'signin' ? 'anonymous' : 'tenant',
        action: c.purpose === 'signin' ? 'tenant.signin.refused' : 'tenant.reauth.refused',
        detail: { failures, reason, ...(c.purpose === 'signin' ? {} : { purpose: c.purpose }) },
      });
    });
    throw error;
  };
  if (!(await verifyPassword(password, attempt.password_hash))) return refuse('password', wrong());

  if (c.withTotp && attempt.totp_secret) {
    if (c.totp === undefined || c.totp === null || c.totp === '') {
      // The right password without a code: the sign-in form asks for the code next. Not a failure
      // (the attempt is given back), but no session either.
      await ctx.db.updateTable('tenants').set((eb) => ({ failed_logins: eb('failed_logins', '-', 1) })).where('id', '=', attempt.id).execute();
      throw new AppError('unauthorized', 'A TOTP code from the authenticator app is required', TOTP_REQUIRED);
    }
    const secret = unwrapKey(await tenantKey(ctx, attempt.id), attempt.totp_secret, totpContext(attempt.id)).toString('utf8');
    const step = await checkTotp(secret, c.totp, attempt.totp_last_step);
    // Single use, also against a parallel sign-in with the same code: only one UPDATE moves the step.
    const used = step === null ? undefined : await ctx.db.updateTable('tenants').set({ totp_last_step: step }).where('id', '=', attempt.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).executeTakeFirst();
    if (!used || Number(used.numUpdatedRows) !== 1) return refuse('totp', unauthorized('Wrong or already used TOTP code'));
  }
  await ctx.db.updateTable('tenants').set({ failed_logins: 0, locked_until: null }).where('id', '=', attempt.id).execute();
  return { id: attempt.id, username: attempt.username };
}

/** One minute after the fifth failure, doubling with each further one, at most an hour. */
function lockUntil(failures: number): string {
  return new Date(Date.now() + Math.min(MAX_LOCK_MS, 60_000 * 2 ** Math.max(0, failures - FREE_ATTEMPTS))).toISOString();
}

function tooMany(until: string): AppError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  return new AppError('too_many', `Too many failed sign-ins; try again in ${seconds} s`, String(seconds));
}
