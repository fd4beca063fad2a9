import { notFound } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor, isUuid } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';

/** The link stops working at once. Revoking a used or already revoked invitation changes nothing. */
export async function revokeInvitation(ctx: Ctx, actor: Actor, exchangeId: string, invitationId: string): Promise<void> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'manageClients');
  if (!isUuid(invitationId)) throw notFound('Invitation not found');
  await ctx.db.transaction().execute(async (trx) => {
    const inv = await trx.selectFrom('invitations').select(['id', 'client_id', 'revoked_at', 'used_at']).where('id', '=', invitationId)
      .where('tenant_id', '=', actor.tenantId).where('exchange_id', '=', exchange.id).executeTakeFirst();
    if (!inv) throw notFound('Invitation not found');
    if (inv.revoked_at || inv.used_at) return;
    await trx.updateTable('invitations').set({ revoked_at: nowIso() }).where('id', '=', inv.id).where('revoked_at', 'is', null).execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actor: principalOf(actor), action: 'client.invitation.revoke', target: `exchange:${exchange.id}`, detail: { invitation: inv.id, client: inv.client_id } });
  });
}
