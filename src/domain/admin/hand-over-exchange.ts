// An admin hands an exchange to another advisor (its owner left, moved on or is away for long). The new
// owner stops being a deputy; the mark for reassignment goes. The former owner keeps no access unless
// an admin makes it a deputy: a hand-over is a change of responsibility.
import { conflict, invalid } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import { peopleOf } from '../exchanges/exchange-people.js';
import { toExchangeView, type ExchangeView } from '../exchanges/exchange-view.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { activeAdvisorOf } from './advisor-of-tenant.js';

export async function handOverExchange(ctx: Ctx, actor: Actor, exchangeId: string, body: unknown): Promise<ExchangeView> {
  const { row, relation } = await exchangeFor(ctx, actor, exchangeId, 'handOver');
  const ownerId = (body as { ownerId?: unknown } | null)?.ownerId;
  if (typeof ownerId !== 'string') throw invalid('Send {"ownerId": "<id of the advisor taking the exchange over>"}');
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const to = await activeAdvisorOf(trx, row.tenant_id, ownerId);
    const current = await trx.selectFrom('exchanges').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    if (current.owner_id === to.id) throw conflict('This advisor already owns the exchange');
    const next = { ...current, owner_id: to.id, needs_reassignment: 0, updated_at: nowIso() };
    // Compare-and-set on the owner: of two concurrent hand-overs, the second finds it changed (409).
    const res = await trx.updateTable('exchanges').set({ owner_id: to.id, needs_reassignment: 0, updated_at: next.updated_at })
      .where('id', '=', row.id).where('owner_id', '=', current.owner_id).executeTakeFirst();
    if (!res.numUpdatedRows) throw conflict('The exchange changed meanwhile; reload it');
    await trx.deleteFrom('exchange_deputies').where('exchange_id', '=', row.id).where('user_id', '=', to.id).execute();
    await recordAudit(trx, {
      tenantId: row.tenant_id, actor: principalOf(actor), action: 'exchange.handover', target: `exchange:${row.id}`,
      detail: { from: current.owner_id, to: to.id, wasMarked: current.needs_reassignment === 1 },
    });
    return next;
  });
  return { ...toExchangeView(updated, relation), ...(await peopleOf(ctx, row.tenant_id, [updated])).get(row.id)! };
}
