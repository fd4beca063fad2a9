// TOTP for the tenant's own sign-in: enrol (a pending secret, shown once), confirm with a first code
// (then every sign-in needs a code), and turn off (password and a current code). The secret is kept
// wrapped by the tenant key, so a copied database does not yield the second factor.
import { conflict, invalid } from '../../errors.js';
import { unwrapKey, wrapKey } from '../../storage/crypto/keys.js';
import { checkTotp, newTotpSecret, totpUri } from '../../storage/crypto/totp.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { checkTenantCredentials, totpContext } from './tenant-credentials.js';
import { tenantKey } from './tenant-key.js';

const ISSUER = 'SecureExchange';

export async function enrollTenantTotp(ctx: Ctx, tenantId: string): Promise<{ secret: string; otpauthUri: string }> {
  const t = await ctx.db.selectFrom('tenants').select(['username', 'totp_secret']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  if (t.totp_secret) throw conflict('TOTP is already on; turn it off first to enrol another authenticator');
  const secret = newTotpSecret();
  const wrapped = wrapKey(await tenantKey(ctx, tenantId), Buffer.from(secret, 'utf8'), totpContext(tenantId));
  // A new enrolment replaces an unconfirmed one: only the last QR code shown works.
  await ctx.db.updateTable('tenants').set({ totp_pending: wrapped }).where('id', '=', tenantId).where('totp_secret', 'is', null).execute();
  return { secret, otpauthUri: totpUri(secret, ISSUER, t.username) };
}

export async function confirmTenantTotp(ctx: Ctx, tenantId: string, code: unknown): Promise<{ totpEnabled: true }> {
  const t = await ctx.db.selectFrom('tenants').select(['totp_pending', 'totp_secret']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  if (t.totp_secret) throw conflict('TOTP is already on');
  if (!t.totp_pending) throw conflict('No TOTP enrolment is pending; start one with POST /api/tenant/totp/enroll');
  const secret = unwrapKey(await tenantKey(ctx, tenantId), t.totp_pending, totpContext(tenantId)).toString('utf8');
  const step = await checkTotp(secret, code, null);
  if (step === null) throw invalid('The code does not match; enter the code the authenticator app shows now (and check its clock)');
  await ctx.db.transaction().execute(async (trx) => {
    // Guarded on the pending value read above: a parallel enrolment or confirmation makes this a no-op.
    const moved = await trx.updateTable('tenants').set({ totp_secret: t.totp_pending, totp_pending: null, totp_last_step: step })
      .where('id', '=', tenantId).where('totp_pending', '=', t.totp_pending).where('totp_secret', 'is', null).executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw conflict('The enrolment changed meanwhile; start again');
    await recordAudit(trx, { tenantId, actor: 'tenant', action: 'tenant.totp.enable' });
  });
  return { totpEnabled: true };
}

/** Needs the password and a current code, both counted by the sign-in lockout. */
export async function disableTenantTotp(ctx: Ctx, tenantId: string, password: unknown, code: unknown): Promise<{ totpEnabled: false }> {
  const t = await ctx.db.selectFrom('tenants').select('totp_secret').where('id', '=', tenantId).executeTakeFirstOrThrow();
  if (!t.totp_secret) throw conflict('TOTP is not on');
  if (code === undefined || code === null || code === '') throw invalid('Send "password" and a current "code"');
  await checkTenantCredentials(ctx, { by: { id: tenantId }, password, totp: code, withTotp: true, purpose: 'totp.disable' });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('tenants').set({ totp_secret: null, totp_pending: null, totp_last_step: null }).where('id', '=', tenantId).execute();
    await recordAudit(trx, { tenantId, actor: 'tenant', action: 'tenant.totp.disable' });
  });
  return { totpEnabled: false };
}
