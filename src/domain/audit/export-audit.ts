// Audit exports as CSV (RFC 4180) or JSON lines, streamed: the lines are produced page by page, so an
// export of millions of entries never holds the log in memory. Each export is itself audited.
import { Readable } from 'node:stream';
import { invalid } from '../../errors.js';
import type { Ctx } from '../context.js';
import { auditEntries, auditWhere, type AuditFilter, type AuditItem } from './read-audit.js';
import { recordAudit } from './record-audit.js';

export type AuditFormat = 'csv' | 'jsonl';
const COLUMNS = ['seq', 'at', 'actor', 'action', 'target', 'detail', 'prev_hash', 'hash'] as const;

/**
 * One CSV cell. Formula injection: a spreadsheet runs a cell starting with = + - @ (or tab/CR, which
 * some strip first) as a formula, and actors, targets and details carry text from outside (SAML
 * NameIDs, SCIM userNames), so such a cell gets a leading apostrophe (OWASP's advice). Then RFC 4180:
 * quoted when it holds a quote, comma or line break, quotes doubled.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (e: AuditItem) => [e.seq, e.at, e.actor, e.action, e.target, e.detail, e.prevHash, e.hash].map(csvCell).join(',') + '\r\n';
const jsonLine = (e: AuditItem) => JSON.stringify(e) + '\n';

export function parseFormat(raw: unknown): AuditFormat {
  if (raw !== 'csv' && raw !== 'jsonl') throw invalid('"format" must be csv or jsonl');
  return raw;
}

/** A file name for Content-Disposition: the tenant id reduced to safe characters, and the date. */
export function exportFileName(tenantId: string, format: AuditFormat): string {
  return `audit-${tenantId.replace(/[^A-Za-z0-9._-]/g, '_')}-${new Date().toISOString().slice(0, 10)}.${format}`;
}

/** Records the export (who, format, filters), then returns the stream of its lines. */
export async function exportAudit(ctx: Ctx, tenantId: string, format: AuditFormat, f: AuditFilter, actor: string): Promise<Readable> {
  auditWhere(f); // bad filters are a 400 now, not a broken stream later
  const filters = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
  await recordAudit(ctx.db, { tenantId, actor, action: 'audit.export', detail: { format, ...(Object.keys(filters).length ? { filters } : {}) } });
  async function* lines() {
    if (format === 'csv') yield COLUMNS.join(',') + '\r\n';
    for await (const e of auditEntries(ctx, tenantId, f)) yield format === 'csv' ? csvLine(e) : jsonLine(e);
  }
  return Readable.from(lines(), { objectMode: false });
}
