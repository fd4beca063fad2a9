// Optional TOTP for a client: enrol (a pending secret, shown once as an otpauth URI), then confirm with
// a code from the app; from then on signing in needs the mailed code AND a TOTP code. The secret is
// wrapped by the tenant key, bound to the client's id.
import { conflict, invalid } from '../../errors.js';
import { unwrapKey, wrapKey } from '../../storage/crypto/keys.js';
import { checkTotp, newTotpSecret, totpUri } from '../../storage/crypto/totp.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import type { ClientActor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { totpContext } from './sign-in-client.js';

export async function enrollClientTotp(ctx: Ctx, actor: ClientActor): Promise<{ secret: string; otpauthUri: string }> {
  const client = await ctx.db.selectFrom('clients').select(['totp_secret']).where('id', '=', actor.clientId).executeTakeFirstOrThrow();
  if (client.totp_secret) throw conflict('TOTP is already enabled');
  const secret = newTotpSecret();
  const wrapped = wrapKey(await tenantKey(ctx, actor.tenantId), Buffer.from(secret, 'utf8'), totpContext(actor.clientId));
  await ctx.db.updateTable('clients').set({ totp_pending: wrapped }).where('id', '=', actor.clientId).execute();
  const tenant = await ctx.db.selectFrom('tenants').select('name').where('id', '=', actor.tenantId).executeTakeFirstOrThrow();
  return { secret, otpauthUri: totpUri(secret, `SecureExchange (${tenant.name})`, actor.email) };
}

export async function confirmClientTotp(ctx: Ctx, actor: ClientActor, code: unknown): Promise<{ totpEnabled: true }> {
  const client = await ctx.db.selectFrom('clients').select(['totp_secret', 'totp_pending']).where('id', '=', actor.clientId).executeTakeFirstOrThrow();
  if (client.totp_secret) throw conflict('TOTP is already enabled');
  if (!client.totp_pending) throw conflict('Start the enrolment first (POST /api/client/totp/enroll)');
  const secret = unwrapKey(await tenantKey(ctx, actor.tenantId), client.totp_pending, totpContext(actor.clientId)).toString('utf8');
  const step = await checkTotp(secret, code, null);
  if (step === null) throw invalid('Wrong authenticator code');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('clients').set({ totp_secret: client.totp_pending, totp_pending: null, totp_last_step: step })
      .where('id', '=', actor.clientId).where('totp_pending', '=', client.totp_pending).execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actor: `client:${actor.clientId}`, action: 'client.totp.enable' });
  });
  return { totpEnabled: true };
}
