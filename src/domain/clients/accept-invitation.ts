// A client opens its invitation link: the link is claimed in one conditional UPDATE (two parallel
// accepts: one wins), must not be expired or revoked, and the access it grants must still stand. Then a
// one-time code goes to the client's address; signing in needs that code (POST /api/client/login).
import { AppError, conflict, notFound } from '../../errors.js';
import { MailError } from '../../mail/mailer.js';
import { sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { maskAddress } from './client-input.js';
import { issueCode } from './one-time-codes.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export async function acceptInvitation(ctx: Ctx, token: unknown): Promise<{ tenantId: string; exchangeId: string; email: string; codeSent: true }> {
  if (typeof token !== 'string' || !TOKEN.test(token)) throw notFound('This invitation link is not valid');
  const hash = sha256Hex(token);
  const at = nowIso();
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const inv = await trx.updateTable('invitations').set({ used_at: at }).where('token_hash', '=', hash)
      .where('used_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', at)
      .returning(['id', 'tenant_id', 'exchange_id', 'client_id']).executeTakeFirst();
    if (!inv) return undefined;
    const access = await trx.selectFrom('exchange_clients').select('revoked_at').where('exchange_id', '=', inv.exchange_id)
      .where('client_id', '=', inv.client_id).executeTakeFirst();
    if (!access || access.revoked_at) throw conflict('This invitation was withdrawn');
    await recordAudit(trx, { tenantId: inv.tenant_id, actor: `client:${inv.client_id}`, action: 'client.invitation.accept', target: `exchange:${inv.exchange_id}`, detail: { invitation: inv.id } });
    return inv;
  });
  if (!claimed) {
    // Why it failed, for the holder of the link (who may learn it): used, expired or withdrawn.
    const inv = await ctx.db.selectFrom('invitations').select(['used_at', 'revoked_at', 'expires_at']).where('token_hash', '=', hash).executeTakeFirst();
    if (!inv) throw notFound('This invitation link is not valid');
    if (inv.revoked_at) throw conflict('This invitation was withdrawn');
    if (inv.used_at) throw conflict('This invitation link was already used; sign in with your e-mail address and a code instead');
    throw conflict('This invitation has expired; ask for a new one');
  }
  const client = await ctx.db.selectFrom('clients').selectAll().where('id', '=', claimed.client_id).executeTakeFirstOrThrow();
  try {
    await issueCode(ctx, client, { ignoreInterval: true });
  } catch (err) {
    if (!(err instanceof MailError)) throw err;
    // The link is given back, so the client can simply open it again once mail works.
    await ctx.db.updateTable('invitations').set({ used_at: null }).where('id', '=', claimed.id).where('used_at', '=', at).execute();
    ctx.log.warn({ err: err.message, invitation: claimed.id }, 'sign-in code mail not sent');
    throw new AppError('unavailable', 'The sign-in code could not be mailed; open the link again later');
  }
  return { tenantId: claimed.tenant_id, exchangeId: claimed.exchange_id, email: maskAddress(client.email), codeSent: true };
}
