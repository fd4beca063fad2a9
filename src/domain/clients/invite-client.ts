// An owner or deputy invites a client by e-mail: the client is found (one per address per tenant) or
// created, gets access to the exchange (again, if it was revoked), and receives a single-use link.
// The mail goes out BEFORE anything is written: if the relay refuses, nothing was created (503); if the
// write fails after the mail, the mailed link simply does not work. Only the link's SHA-256 is stored.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { AppError } from '../../errors.js';
import { MailError, mailerOf, type SentMail } from '../../mail/mailer.js';
import { invitationMail, mailLanguage } from '../../mail/templates.js';
import { randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { clientAddress, clientDisplayName, clientLanguage } from './client-input.js';
import { toInvitationView, type InvitationView } from './invitation-view.js';

export async function inviteClient(ctx: Ctx, actor: Actor, exchangeId: string, input: { email?: unknown; displayName?: unknown; language?: unknown }): Promise<InvitationView> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'invite');
  const { email, key } = clientAddress(input.email);
  const displayName = clientDisplayName(input.displayName);
  const language = clientLanguage(input.language);

  const tenant = await ctx.db.selectFrom('tenants').select(['name', 'default_language']).where('id', '=', actor.tenantId).executeTakeFirstOrThrow();
  const known = await ctx.db.selectFrom('clients').selectAll().where('tenant_id', '=', actor.tenantId).where('email_key', '=', key).executeTakeFirst();
  const token = randomSecret(32);
  const link = `${ctx.config.publicUrl}/invite/${token}`;
  const now = Date.now();
  const expiresAt = new Date(now + ctx.config.invitationTtlDays * 86_400_000).toISOString();
  const mail = invitationMail(mailLanguage(language, known?.language, tenant.default_language), {
    name: displayName ?? known?.display_name ?? email, advisor: actor.displayName, firm: tenant.name, exchange: exchange.title, expiresAt, link,
  });

  let sent: SentMail;
  try {
    sent = await mailerOf(ctx).send({ to: known?.email ?? email, kind: 'invitation', ...mail });
  } catch (err) {
    if (!(err instanceof MailError)) throw err;
    ctx.log.warn({ err: err.message, exchange: exchange.id }, 'invitation mail not sent; nothing created');
    throw new AppError('unavailable', 'The invitation mail could not be sent, so no invitation was created; try again later');
  }

  const by = principalOf(actor);
  const at = new Date(now).toISOString();
  const invitationId = crypto.randomUUID();
  let result;
  try {
    result = await ctx.db.transaction().execute(async (trx) => {
      // Find or create in one statement pair: two invitations of a new address at once make one client.
      await trx.insertInto('clients').values({
        id: crypto.randomUUID(), tenant_id: actor.tenantId, email, email_key: key, display_name: displayName ?? null, language: language ?? null,
        totp_secret: null, totp_pending: null, totp_last_step: null, failed_codes: 0, locked_until: null, created_at: at,
      }).onConflict((oc) => oc.columns(['tenant_id', 'email_key']).doNothing()).execute();
      const client = await trx.selectFrom('clients').selectAll().where('tenant_id', '=', actor.tenantId).where('email_key', '=', key).executeTakeFirstOrThrow();
      if ((displayName && displayName !== client.display_name) || (language && language !== client.language)) {
        await trx.updateTable('clients').set({ ...(displayName ? { display_name: displayName } : {}), ...(language ? { language } : {}) })
          .where('id', '=', client.id).execute();
      }
      const before = await trx.selectFrom('exchange_clients').select('revoked_at').where('exchange_id', '=', exchange.id).where('client_id', '=', client.id).executeTakeFirst();
      await trx.insertInto('exchange_clients').values({
        exchange_id: exchange.id, client_id: client.id, tenant_id: actor.tenantId, invited_by: by, created_at: at, revoked_at: null, revoked_by: null,
      }).onConflict((oc) => oc.columns(['exchange_id', 'client_id']).doUpdateSet({ revoked_at: null, revoked_by: null })).execute();
      // One live link per client and exchange: a new invitation supersedes the pending ones.
      await trx.updateTable('invitations').set({ revoked_at: at }).where('exchange_id', '=', exchange.id).where('client_id', '=', client.id)
        .where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
      const invitation = {
        id: invitationId, tenant_id: actor.tenantId, exchange_id: exchange.id, client_id: client.id, token_hash: sha256Hex(token),
        created_by: by, created_at: at, expires_at: expiresAt, used_at: null, revoked_at: null,
      };
      await trx.insertInto('invitations').values(invitation).execute();
      await recordAudit(trx, {
        tenantId: actor.tenantId, actor: by, action: 'client.invite', target: `exchange:${exchange.id}`,
        detail: { invitation: invitationId, client: client.id, email: client.email, newClient: client.created_at === at && !known, regranted: !!before?.revoked_at },
      });
      return toInvitationView({ ...invitation, email: client.email, display_name: displayName ?? client.display_name });
    });
  } catch (err) {
    if (sent.outboxFile) await fs.rm(sent.outboxFile, { force: true });
    throw err;
  }
  // Outbox mode only (no SMTP_URL: a development or embedded start): the operator finds the mail and
  // its link here. With a relay the link is never logged.
  if (sent.outboxFile) ctx.log.info({ outboxFile: sent.outboxFile, link, invitation: invitationId }, 'invitation mail written to the outbox (no SMTP_URL)');
  return result;
}
