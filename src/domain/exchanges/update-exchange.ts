// PATCH an exchange: title, expiry, whether its clients see each other's names. Owner or deputy.
import { conflict, invalid } from '../../errors.js';
import { acceptsEdits } from '../../policies/exchange-policy.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { exchangeTitle } from './create-exchange.js';
import { exchangeFor } from './exchange-access.js';
import { toExchangeView, type ExchangeView } from './exchange-view.js';

const FIELDS = new Set(['title', 'expiresAt', 'shareClientNames']);
// A full ISO-8601 date-time with seconds optional and an explicit offset: no guessing of time zones.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar moment: Date.parse would roll 2030-02-31 over into March. */
function realDateTime(raw: string): boolean {
  const [y, mo, d, h, mi, sec] = raw.split(/[-T:.Z+]/).map(Number) as [number, number, number, number, number, number?];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h <= 23 && mi <= 59 && (sec ?? 0) <= 59;
}

/** `null` clears the expiry; a date-time must lie in the future (stored as UTC). */
export function expiryOf(raw: unknown, now = Date.now()): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string' || !ISO_DATE_TIME.test(raw) || !realDateTime(raw) || Number.isNaN(Date.parse(raw))) {
    throw invalid('"expiresAt" must be an ISO 8601 date-time with a time zone (e.g. 2030-01-31T18:00:00Z), or null');
  }
  const at = Date.parse(raw);
  if (at <= now) throw invalid('"expiresAt" must lie in the future');
  return new Date(at).toISOString();
}

export async function updateExchange(ctx: Ctx, actor: Actor, id: string, body: unknown): Promise<ExchangeView> {
  // Who may comes first: an invisible exchange answers 404 whatever the body says.
  const { row, relation } = await exchangeFor(ctx, actor, id, 'edit');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Send a JSON object such as {"title": "…"}');
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !FIELDS.has(k));
  if (unknown.length) throw invalid(`Unknown field(s): ${unknown.join(', ')}; allowed are title, expiresAt, shareClientNames`);
  if (!Object.keys(input).length) throw invalid('Nothing to change: send title, expiresAt or shareClientNames');
  const set: { title?: string; expires_at?: string | null; share_client_names?: number } = {};
  const changed: Record<string, unknown> = {};
  if ('title' in input) changed.title = set.title = exchangeTitle(input.title);
  if ('expiresAt' in input) changed.expiresAt = set.expires_at = expiryOf(input.expiresAt);
  if ('shareClientNames' in input) {
    if (typeof input.shareClientNames !== 'boolean') throw invalid('"shareClientNames" must be true or false');
    changed.shareClientNames = input.shareClientNames;
    set.share_client_names = input.shareClientNames ? 1 : 0;
  }
  if (!acceptsEdits(row)) throw conflict('The exchange is archived: reopen it first');
  const updated = { ...row, ...set, updated_at: nowIso() };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('exchanges').set({ ...set, updated_at: updated.updated_at }).where('id', '=', row.id).execute();
    await recordAudit(trx, { tenantId: row.tenant_id, actor: principalOf(actor), action: 'exchange.update', target: `exchange:${row.id}`, detail: changed });
  });
  return toExchangeView(updated, relation);
}
