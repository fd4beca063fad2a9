// Admins (re)assign advisors as deputies of an exchange. Adding is idempotent; removing one that is
// no deputy changes nothing. Each real change is one audit entry.
import { conflict } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor, isUuid } from '../exchanges/exchange-access.js';
import { peopleOf } from '../exchanges/exchange-people.js';
import type { PersonRef } from '../exchanges/exchange-view.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { activeAdvisorOf } from './advisor-of-tenant.js';

export async function addDeputy(ctx: Ctx, actor: Actor, exchangeId: string, userId: string): Promise<{ deputies: PersonRef[] }> {
  const { row } = await exchangeFor(ctx, actor, exchangeId, 'manageDeputies');
  await ctx.db.transaction().execute(async (trx) => {
    const advisor = await activeAdvisorOf(trx, row.tenant_id, userId);
    // Read inside the transaction: a hand-over may have changed the owner since exchangeFor.
    const { owner_id } = await trx.selectFrom('exchanges').select('owner_id').where('id', '=', row.id).executeTakeFirstOrThrow();
    if (advisor.id === owner_id) throw conflict('The owner cannot also be a deputy');
    const res = await trx.insertInto('exchange_deputies')
      .values({ exchange_id: row.id, user_id: advisor.id, tenant_id: row.tenant_id, added_by: principalOf(actor), created_at: nowIso() })
      .onConflict((oc) => oc.columns(['exchange_id', 'user_id']).doNothing()).executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) {
      await recordAudit(trx, { tenantId: row.tenant_id, actor: principalOf(actor), action: 'exchange.deputy.add', target: `exchange:${row.id}`, detail: { user: advisor.id } });
    }
  });
  return { deputies: (await peopleOf(ctx, row.tenant_id, [row])).get(row.id)!.deputies };
}

export async function removeDeputy(ctx: Ctx, actor: Actor, exchangeId: string, userId: string): Promise<void> {
  const { row } = await exchangeFor(ctx, actor, exchangeId, 'manageDeputies');
  if (!isUuid(userId)) return;
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('exchange_deputies').where('exchange_id', '=', row.id).where('user_id', '=', userId).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0) {
      await recordAudit(trx, { tenantId: row.tenant_id, actor: principalOf(actor), action: 'exchange.deputy.remove', target: `exchange:${row.id}`, detail: { user: userId } });
    }
  });
}
