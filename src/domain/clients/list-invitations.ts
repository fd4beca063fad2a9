import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { toInvitationView, type InvitationView } from './invitation-view.js';

/** Every invitation of the exchange (pending, used, expired, revoked), newest first; never a token. */
export async function listInvitations(ctx: Ctx, actor: Actor, exchangeId: string): Promise<InvitationView[]> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'manageClients');
  const rows = await ctx.db.selectFrom('invitations').innerJoin('clients', 'clients.id', 'invitations.client_id')
    .selectAll('invitations').select(['clients.email', 'clients.display_name'])
    .where('invitations.tenant_id', '=', actor.tenantId).where('invitations.exchange_id', '=', exchange.id)
    .orderBy('invitations.created_at', 'desc').orderBy('invitations.id').execute();
  const now = Date.now();
  return rows.map((r) => toInvitationView(r, now));
}
