// The tenant's audit log as the console reads it: filtered, newest first, paged; and the same filters
// for exports, which walk the log oldest first (chain order) page by page by seq.
import { sql, type SelectQueryBuilder } from 'kysely';
import { invalid } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

export interface AuditFilter {
  /** An action or a dotted prefix of one: "tenant.signin" also matches "tenant.signin.refused". */
  action?: string;
  actor?: string;
  target?: string;
  /** ISO date or timestamp, inclusive. A date alone (`to=2026-05-01`) includes that whole day. */
  from?: string;
  to?: string;
}

export interface AuditItem {
  seq: number; at: string; actor: string; action: string; target: string | null;
  detail: Record<string, unknown> | null; prevHash: string; hash: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(raw: string, name: string, endOfDay: boolean): string {
  if (!DATE.test(raw) && !TIMESTAMP.test(raw)) throw invalid(`"${name}" must be an ISO date (2026-05-01) or timestamp (2026-05-01T12:00:00Z)`);
  const t = Date.parse(DATE.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(t)) throw invalid(`"${name}" is not a real date`);
  // Stored times are ISO strings in UTC with milliseconds, so they compare as text.
  return new Date(endOfDay && DATE.test(raw) ? t + 86_400_000 - 1 : t).toISOString();
}

/** Validates a filter once (400 on bad input) and turns it into WHERE clauses. */
export function auditWhere(f: AuditFilter) {
  for (const [k, v] of Object.entries(f)) if (v !== undefined && (typeof v !== 'string' || v.length > 500)) throw invalid(`"${k}" must be a text of at most 500 characters`);
  const action = f.action?.replace(/\.+$/, '');
  const from = f.from ? instant(f.from, 'from', false) : undefined;
  const to = f.to ? instant(f.to, 'to', true) : undefined;
  if (from && to && from > to) throw invalid('"from" is after "to"');
  return <O>(q: SelectQueryBuilder<Database, 'audit_log', O>) => q
    // The action or any below it ("exchange" finds "exchange.close"), case-sensitive on both dialects:
    // a prefix by substr(), since SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
    .$if(!!action, (b) => b.where((eb) => eb.or([eb('action', '=', action!),
      eb(sql<string>`substr(action, 1, ${[...action!].length + 1})`, '=', action! + '.')])))
    .$if(f.actor !== undefined, (b) => b.where('actor', '=', f.actor!))
    .$if(f.target !== undefined, (b) => b.where('target', '=', f.target!))
    .$if(!!from, (b) => b.where('at', '>=', from!))
    .$if(!!to, (b) => b.where('at', '<=', to!));
}

type Row = Database['audit_log'] & { seq: number };
export const auditItem = (r: { seq: number; at: string; actor: string; action: string; target: string | null; detail: string | null; prev_hash: string; hash: string }): AuditItem => ({
  seq: r.seq, at: r.at, actor: r.actor, action: r.action, target: r.target,
  detail: r.detail ? JSON.parse(r.detail) as Record<string, unknown> : null, prevHash: r.prev_hash, hash: r.hash,
});

/** Newest first; `startIndex` is 1-based. */
export async function readAudit(ctx: Ctx, tenantId: string, f: AuditFilter, page: { startIndex: number; count: number }) {
  const where = auditWhere(f);
  const base = where(ctx.db.selectFrom('audit_log').where('tenant_id', '=', tenantId));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = page.count === 0 ? [] : await base.selectAll().orderBy('seq', 'desc').limit(page.count).offset(page.startIndex - 1).execute();
  return { total: Number(total), items: rows.map((r) => auditItem(r as Row)) };
}

const EXPORT_PAGE = 1000;

/** Every matching entry, oldest first, one page in memory at a time (keyset paging by seq, not offsets). */
export async function* auditEntries(ctx: Ctx, tenantId: string, f: AuditFilter): AsyncGenerator<AuditItem> {
  const where = auditWhere(f);
  let after = 0;
  for (;;) {
    const rows = await where(ctx.db.selectFrom('audit_log').where('tenant_id', '=', tenantId).where('seq', '>', after))
      .selectAll().orderBy('seq').limit(EXPORT_PAGE).execute();
    for (const r of rows) yield auditItem(r as Row);
    if (rows.length < EXPORT_PAGE) return;
    after = rows[rows.length - 1]!.seq;
  }
}
