// The owner and deputies of a set of exchanges in two queries, whatever the number of exchanges
// (the admin list shows a page of them; a lookup per exchange would be N+1).
import type { Ctx } from '../context.js';
import type { PersonRef } from './exchange-view.js';

export interface ExchangePeople { owner: PersonRef; deputies: PersonRef[] }

const nameOf = (u: { given_name: string; family_name: string }) => `${u.given_name} ${u.family_name}`;

export async function peopleOf(ctx: Ctx, tenantId: string, exchanges: Array<{ id: string; owner_id: string }>): Promise<Map<string, ExchangePeople>> {
  const out = new Map<string, ExchangePeople>();
  if (!exchanges.length) return out;
  const ownerIds = [...new Set(exchanges.map((x) => x.owner_id))];
  const owners = await ctx.db.selectFrom('users').select(['id', 'given_name', 'family_name', 'active'])
    .where('tenant_id', '=', tenantId).where('id', 'in', ownerIds).execute();
  const byId = new Map(owners.map((u) => [u.id, u]));
  const deputies = await ctx.db.selectFrom('exchange_deputies as d').innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.exchange_id', 'u.id', 'u.given_name', 'u.family_name', 'u.active'])
    .where('d.tenant_id', '=', tenantId).where('d.exchange_id', 'in', exchanges.map((x) => x.id))
    .orderBy('u.family_name').orderBy('u.given_name').orderBy('u.id').execute();
  for (const x of exchanges) {
    const o = byId.get(x.owner_id);
    // A hard-deleted owner leaves its id behind (the exchange is marked for reassignment).
    out.set(x.id, { owner: { id: x.owner_id, displayName: o ? nameOf(o) : null, active: o?.active === 1 }, deputies: [] });
  }
  for (const d of deputies) out.get(d.exchange_id)!.deputies.push({ id: d.id, displayName: nameOf(d), active: d.active === 1 });
  return out;
}
