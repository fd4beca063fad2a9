// Who works on an exchange: the owner and deputies (names) for everyone who may view it; its clients
// (names, and addresses for staff) only for those the policy lets see them. A client never learns of
// another client unless the advisor shares client names, and even then only the names.
import { seesClientNames } from '../../policies/exchange-policy.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { exchangeFor } from './exchange-access.js';

export interface PersonView { id: string; displayName: string }
export interface ClientPersonView { id: string; displayName: string | null; email?: string }
export interface PeopleView { owner: PersonView | null; deputies: PersonView[]; clients?: ClientPersonView[] }

export async function listPeople(ctx: Ctx, actor: Actor, exchangeId: string): Promise<PeopleView> {
  const { row, relation } = await exchangeFor(ctx, actor, exchangeId, 'view');
  const name = (u: { given_name: string; family_name: string; display_name: string | null }) => u.display_name ?? `${u.given_name} ${u.family_name}`;
  const owner = await ctx.db.selectFrom('users').select(['id', 'given_name', 'family_name', 'display_name'])
    .where('id', '=', row.owner_id).where('tenant_id', '=', row.tenant_id).executeTakeFirst();
  const deputies = await ctx.db.selectFrom('exchange_deputies').innerJoin('users', 'users.id', 'exchange_deputies.user_id')
    .select(['users.id', 'users.given_name', 'users.family_name', 'users.display_name'])
    .where('exchange_deputies.exchange_id', '=', row.id).where('users.tenant_id', '=', row.tenant_id)
    .orderBy('exchange_deputies.created_at').orderBy('users.id').execute();
  const view: PeopleView = { owner: owner ? { id: owner.id, displayName: name(owner) } : null, deputies: deputies.map((d) => ({ id: d.id, displayName: name(d) })) };
  if (seesClientNames(relation, row)) {
    const staff = actor.kind === 'staff';
    const clients = await ctx.db.selectFrom('exchange_clients').innerJoin('clients', 'clients.id', 'exchange_clients.client_id')
      .select(['clients.id', 'clients.display_name', 'clients.email'])
      .where('exchange_clients.exchange_id', '=', row.id).where('exchange_clients.tenant_id', '=', row.tenant_id)
      .where('exchange_clients.revoked_at', 'is', null).orderBy('exchange_clients.created_at').orderBy('clients.id').execute();
    view.clients = clients.map((c) => ({ id: c.id, displayName: c.display_name, ...(staff ? { email: c.email } : {}) }));
  }
  return view;
}
