import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

/** The exchanges an advisor owns or is deputy of, or that a client was invited to (access not revoked). */
export async function listMyExchanges(ctx: Ctx, actor: Actor): Promise<ExchangeView[]> {
  if (actor.kind === 'client') {
    const rows = await ctx.db.selectFrom('exchanges').innerJoin('exchange_clients', 'exchange_clients.exchange_id', 'exchanges.id')
      .selectAll('exchanges').where('exchanges.tenant_id', '=', actor.tenantId).where('exchange_clients.client_id', '=', actor.clientId)
      .where('exchange_clients.revoked_at', 'is', null).orderBy('exchanges.created_at', 'desc').execute();
    return rows.map((r) => toExchangeView(r, 'client'));
  }
  if (actor.userType !== 'ADVISOR') return [];
  const owned = await ctx.db.selectFrom('exchanges').selectAll().where('tenant_id', '=', actor.tenantId)
    .where('owner_id', '=', actor.userId).orderBy('created_at', 'desc').execute();
  const deputy = await ctx.db.selectFrom('exchanges').innerJoin('exchange_deputies', 'exchange_deputies.exchange_id', 'exchanges.id')
    .selectAll('exchanges').where('exchanges.tenant_id', '=', actor.tenantId).where('exchange_deputies.user_id', '=', actor.userId)
    .orderBy('exchanges.created_at', 'desc').execute();
  return [...owned.map((r) => toExchangeView(r, 'owner')), ...deputy.map((r) => toExchangeView(r, 'deputy'))]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}
