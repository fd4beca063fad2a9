// Close, reopen or archive an exchange (owner or deputy), by the policy's state machine.
import { conflict } from '../../errors.js';
import { effectiveState, nextState, type StateChange } from '../../policies/exchange-policy.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { exchangeFor } from './exchange-access.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

export async function changeExchangeState(ctx: Ctx, actor: Actor, id: string, change: StateChange): Promise<ExchangeView> {
  const { row, relation } = await exchangeFor(ctx, actor, id, 'changeState');
  const next = nextState(change, row);
  if (!next) throw conflict(`An exchange that is ${effectiveState(row)} cannot be ${change === 'reopen' ? 'reopened' : change === 'close' ? 'closed' : 'archived'}`);
  const updated = { ...row, state: next.state, expires_at: next.clearExpiry ? null : row.expires_at, updated_at: nowIso() };
  await ctx.db.transaction().execute(async (trx) => {
    // Compare-and-set on the state read above: of two concurrent changes, the second finds it changed.
    const res = await trx.updateTable('exchanges').set({ state: updated.state, expires_at: updated.expires_at, updated_at: updated.updated_at })
      .where('id', '=', row.id).where('state', '=', row.state).executeTakeFirst();
    if (!res.numUpdatedRows) throw conflict('The exchange changed meanwhile; reload it');
    await recordAudit(trx, {
      tenantId: row.tenant_id, actor: principalOf(actor), action: `exchange.${change}`, target: `exchange:${row.id}`,
      detail: { from: row.state, to: next.state, ...(next.clearExpiry ? { expiryCleared: row.expires_at } : {}) },
    });
  });
  return toExchangeView(updated, relation);
}
