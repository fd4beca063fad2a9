// Loads an exchange for an actor and an action, asking the policy: invisible → 404 (the same answer
// as a missing id or another tenant's), visible but not allowed → 403, content writes on a closed,
// archived or expired exchange → 409.
import type { Selectable } from 'kysely';
import { conflict, forbidden, notFound } from '../../errors.js';
import { acceptsContent, allows, CONTENT_ACTIONS, relationOf, type ExchangeAction, type Relation } from '../../policies/exchange-policy.js';
import type { Database } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';

export type ExchangeRow = Selectable<Database['exchanges']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

/** The actor's relation to an exchange row (one indexed lookup for deputies or client access). */
export async function relationTo(ctx: Ctx, actor: Actor, row: ExchangeRow): Promise<Relation> {
  let actorIsDeputy = false;
  let actorIsInvitedClient = false;
  if (row.tenant_id === actor.tenantId) {
    if (actor.kind === 'staff' && actor.userId !== row.owner_id) {
      actorIsDeputy = !!(await ctx.db.selectFrom('exchange_deputies').select('user_id')
        .where('exchange_id', '=', row.id).where('user_id', '=', actor.userId).executeTakeFirst());
    } else if (actor.kind === 'client') {
      actorIsInvitedClient = !!(await ctx.db.selectFrom('exchange_clients').select('client_id')
        .where('exchange_id', '=', row.id).where('client_id', '=', actor.clientId).where('revoked_at', 'is', null).executeTakeFirst());
    }
  }
  return relationOf(actor, { tenantId: row.tenant_id, ownerId: row.owner_id, actorIsDeputy, actorIsInvitedClient });
}

export async function exchangeFor(ctx: Ctx, actor: Actor, id: string, action: ExchangeAction): Promise<{ row: ExchangeRow; relation: Relation }> {
  if (!isUuid(id)) throw notFound('Exchange not found');
  const row = await ctx.db.selectFrom('exchanges').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
  if (!row) throw notFound('Exchange not found');
  const relation = await relationTo(ctx, actor, row);
  if (relation === 'none') throw notFound('Exchange not found');
  if (!allows(relation, action)) throw forbidden('You may not do this in this exchange');
  if (CONTENT_ACTIONS.has(action) && !acceptsContent(row)) {
    throw conflict(row.state === 'open' ? 'The exchange has expired' : `The exchange is ${row.state}`);
  }
  return { row, relation };
}
