import { nowIso } from '../../storage/db/index.js';
import type { ExchangeState } from '../../policies/exchange-policy.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { effectiveStateIs } from './effective-state-sql.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

export interface MyExchangesFilter {
  /** The effective state (an expired open exchange counts as closed). */
  state?: ExchangeState;
  /** Advisors only: the exchanges it owns, or those it is deputy of. */
  relation?: 'owner' | 'deputy';
}

/** The exchanges an advisor owns or is deputy of, or that a client was invited to (access not revoked). */
export async function listMyExchanges(ctx: Ctx, actor: Actor, filter: MyExchangesFilter = {}): Promise<ExchangeView[]> {
  const now = nowIso();
  const byState = filter.state ? effectiveStateIs(filter.state, now) : undefined;
  if (actor.kind === 'client') {
    const rows = await ctx.db.selectFrom('exchanges').innerJoin('exchange_clients', 'exchange_clients.exchange_id', 'exchanges.id')
      .selectAll('exchanges').where('exchanges.tenant_id', '=', actor.tenantId).where('exchange_clients.client_id', '=', actor.clientId)
      .where('exchange_clients.revoked_at', 'is', null).$if(!!byState, (q) => q.where(byState!))
      .orderBy('exchanges.created_at', 'desc').execute();
    return rows.map((r) => toExchangeView(r, 'client'));
  }
  if (actor.userType !== 'ADVISOR') return [];
  const owned = filter.relation === 'deputy' ? [] : await ctx.db.selectFrom('exchanges').selectAll().where('tenant_id', '=', actor.tenantId)
    .where('owner_id', '=', actor.userId).$if(!!byState, (q) => q.where(byState!)).orderBy('created_at', 'desc').execute();
  const deputy = filter.relation === 'owner' ? [] : await ctx.db.selectFrom('exchanges')
    .innerJoin('exchange_deputies', 'exchange_deputies.exchange_id', 'exchanges.id')
    .selectAll('exchanges').where('exchanges.tenant_id', '=', actor.tenantId).where('exchange_deputies.user_id', '=', actor.userId)
    .$if(!!byState, (q) => q.where(byState!)).orderBy('exchanges.created_at', 'desc').execute();
  return [...owned.map((r) => toExchangeView(r, 'owner')), ...deputy.map((r) => toExchangeView(r, 'deputy'))]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}
