import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';

export interface ExchangeClientView {
  id: string; email: string; displayName: string | null; language: string | null;
  invitedBy: string; invitedAt: string; revokedAt: string | null; revokedBy: string | null;
  status: 'active' | 'revoked';
  /** The client has signed in at least once (accepted an invitation). */
  signedIn: boolean;
  totpEnabled: boolean;
}

/** The exchange's clients, with access revoked or not (owner and deputies only). */
export async function listExchangeClients(ctx: Ctx, actor: Actor, exchangeId: string): Promise<ExchangeClientView[]> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'manageClients');
  const rows = await ctx.db.selectFrom('exchange_clients').innerJoin('clients', 'clients.id', 'exchange_clients.client_id')
    .select(['clients.id', 'clients.email', 'clients.display_name', 'clients.language', 'clients.totp_secret',
      'exchange_clients.invited_by', 'exchange_clients.created_at', 'exchange_clients.revoked_at', 'exchange_clients.revoked_by'])
    .select((eb) => eb.exists(eb.selectFrom('invitations').select('invitations.id').whereRef('invitations.client_id', '=', 'clients.id')
      .where('invitations.used_at', 'is not', null)).as('signed_in'))
    .where('exchange_clients.tenant_id', '=', actor.tenantId).where('exchange_clients.exchange_id', '=', exchange.id)
    .orderBy('exchange_clients.created_at').orderBy('clients.id').execute();
  return rows.map((r) => ({
    id: r.id, email: r.email, displayName: r.display_name, language: r.language, invitedBy: r.invited_by, invitedAt: r.created_at,
    revokedAt: r.revoked_at, revokedBy: r.revoked_by, status: r.revoked_at ? 'revoked' : 'active', signedIn: !!r.signed_in, totpEnabled: r.totp_secret !== null,
  }));
}
