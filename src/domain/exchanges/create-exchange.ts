import crypto from 'node:crypto';
import { forbidden, invalid } from '../../errors.js';
import { canCreateExchange } from '../../policies/exchange-policy.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

export function exchangeTitle(raw: unknown): string {
  const title = typeof raw === 'string' ? raw.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  if (!title) throw invalid('"title" is required');
  if (title.length > 200) throw invalid('"title" must be at most 200 characters');
  return title;
}

export async function createExchange(ctx: Ctx, actor: Actor, input: { title?: unknown }): Promise<ExchangeView> {
  if (!canCreateExchange(actor) || actor.kind !== 'staff') throw forbidden('Only advisors can create exchanges');
  const title = exchangeTitle(input.title);
  const now = nowIso();
  const row = {
    id: crypto.randomUUID(), tenant_id: actor.tenantId, owner_id: actor.userId, title, state: 'open', created_at: now, updated_at: now,
    needs_reassignment: 0, expires_at: null, share_client_names: 0,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('exchanges').values(row).execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actor: principalOf(actor), action: 'exchange.create', target: `exchange:${row.id}` });
  });
  return toExchangeView(row, 'owner');
}
