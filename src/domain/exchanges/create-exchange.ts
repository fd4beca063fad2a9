import crypto from 'node:crypto';
import { forbidden, invalid } from '../../errors.js';
import { canCreateExchange } from '../../policies/exchange-policy.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';

export interface ExchangeView { id: string; title: string; state: string; ownerId: string; createdAt: string }

export async function createExchange(ctx: Ctx, actor: Actor, input: { title?: unknown }): Promise<ExchangeView> {
  if (!canCreateExchange(actor)) throw forbidden('Only advisors can create exchanges');
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!title) throw invalid('"title" is required');
  if (title.length > 200) throw invalid('"title" must be at most 200 characters');
  const now = nowIso();
  const row = { id: crypto.randomUUID(), tenant_id: actor.tenantId, owner_id: actor.userId, title, state: 'open', created_at: now, updated_at: now };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('exchanges').values(row).execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actor: `user:${actor.userId}`, action: 'exchange.create', target: `exchange:${row.id}` });
  });
  return { id: row.id, title, state: row.state, ownerId: actor.userId, createdAt: now };
}
