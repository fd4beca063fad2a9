import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { exchangeFor } from './exchange-access.js';
import { peopleOf } from './exchange-people.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

/** One exchange; staff (owner, deputy, admin) also see its owner and deputies. */
export async function getExchange(ctx: Ctx, actor: Actor, id: string): Promise<ExchangeView> {
  const { row, relation } = await exchangeFor(ctx, actor, id, 'view');
  const view = toExchangeView(row, relation);
  if (relation === 'client') return view;
  return { ...view, ...(await peopleOf(ctx, row.tenant_id, [row])).get(row.id)! };
}
