import { notFound } from '../../errors.js';
import { canUseExchange } from '../../policies/exchange-policy.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import type { ExchangeView } from './create-exchange.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An exchange the actor may use. Missing, another tenant's and not-allowed all give the same 404,
 * so no answer tells whether an id exists elsewhere.
 */
export async function findExchange(ctx: Ctx, actor: Actor, id: string): Promise<ExchangeView> {
  if (!UUID.test(id)) throw notFound('Exchange not found');
  const row = await ctx.db.selectFrom('exchanges').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
  if (!row || !canUseExchange(actor, { tenantId: row.tenant_id, ownerId: row.owner_id })) throw notFound('Exchange not found');
  return { id: row.id, title: row.title, state: row.state, ownerId: row.owner_id, createdAt: row.created_at };
}

export async function listMyExchanges(ctx: Ctx, actor: Actor): Promise<ExchangeView[]> {
  const rows = await ctx.db.selectFrom('exchanges').selectAll().where('tenant_id', '=', actor.tenantId)
    .where('owner_id', '=', actor.userId).orderBy('created_at', 'desc').execute();
  return rows.map((row) => ({ id: row.id, title: row.title, state: row.state, ownerId: row.owner_id, createdAt: row.created_at }));
}
