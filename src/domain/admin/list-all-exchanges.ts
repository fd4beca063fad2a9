// Every exchange of the tenant for its admins: owner, deputies, state and document count, never a
// document's name or content. One page query (owner joined, count as a subquery) plus one for the
// deputies of the page, whatever the page size.
import { nowIso } from '../../storage/db/index.js';
import type { ExchangeState } from '../../policies/exchange-policy.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { effectiveStateIs } from '../exchanges/effective-state-sql.js';
import { peopleOf } from '../exchanges/exchange-people.js';
import { toExchangeView, type ExchangeView } from '../exchanges/exchange-view.js';
import { requirePromotedAdmin } from './require-admin.js';

export interface AdminExchangeFilter {
  ownerId?: string;
  /** The effective state: an expired open exchange counts as closed. */
  state?: ExchangeState;
  needsReassignment?: boolean;
  startIndex: number;
  count: number;
}

export type AdminExchangeView = ExchangeView & { documentCount: number };

export async function listAllExchanges(ctx: Ctx, actor: Actor, f: AdminExchangeFilter): Promise<{ total: number; items: AdminExchangeView[] }> {
  const admin = requirePromotedAdmin(actor);
  const now = nowIso();
  const base = ctx.db.selectFrom('exchanges').where('exchanges.tenant_id', '=', admin.tenantId)
    .$if(f.ownerId !== undefined, (q) => q.where('exchanges.owner_id', '=', f.ownerId!))
    .$if(f.state !== undefined, (q) => q.where(effectiveStateIs(f.state!, now)))
    .$if(f.needsReassignment !== undefined, (q) => q.where('exchanges.needs_reassignment', '=', f.needsReassignment ? 1 : 0));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = f.count === 0 ? [] : await base.selectAll('exchanges')
    .select((eb) => eb.selectFrom('documents').select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('documents.exchange_id', '=', 'exchanges.id').where('documents.deleted_at', 'is', null).as('document_count'))
    .orderBy('exchanges.created_at', 'desc').orderBy('exchanges.id', 'desc').limit(f.count).offset(f.startIndex - 1).execute();
  const people = await peopleOf(ctx, admin.tenantId, rows);
  return {
    total: Number(total),
    items: rows.map((r) => ({ ...toExchangeView(r, 'admin'), ...people.get(r.id)!, documentCount: Number(r.document_count ?? 0) })),
  };
}
