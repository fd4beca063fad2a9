// Re-computes a tenant's audit chain, page by page (a tenant may hold millions of entries; memory
// stays one page). Reports the first entry that does not follow from the one before it, or a head
// (tenants.audit_head) that the last entry does not reach: the newest entries were removed.
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/db/index.js';
import { exchangeIdOf } from './exchange-of-entry.js';
import { entryHash, GENESIS } from './record-audit.js';

const PAGE = 2000;

export interface AuditVerdict {
  tenantId: string;
  entries: number;
  intact: boolean;
  /** The seq of the first entry that is edited, moved or follows a removed one (or of the last entry when the tail is gone). */
  brokenAt: number | null;
  reason: string | null;
}

export async function verifyAudit(db: Kysely<Database>, tenantId: string): Promise<AuditVerdict> {
  const tenant = await db.selectFrom('tenants').select('audit_head').where('id', '=', tenantId).executeTakeFirst();
  let prev = GENESIS;
  let lastSeq = 0;
  let entries = 0;
  const broken = (seq: number | null, reason: string): AuditVerdict => ({ tenantId, entries, intact: false, brokenAt: seq, reason });
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).where('seq', '>', lastSeq)
      .orderBy('seq').limit(PAGE).execute();
    for (const r of rows) {
      entries++;
      if (r.prev_hash !== prev) return broken(r.seq, 'does not follow the entry before it (an entry before it was removed, or entries were reordered)');
      if (entryHash(prev, r) !== r.hash) return broken(r.seq, 'its content was changed after it was written');
      // exchange_id is derived from the hashed target and detail: a different one hides the entry from its
      // exchange's activity, or shows it in another's.
      if (r.exchange_id !== exchangeIdOf(r.target, r.detail)) return broken(r.seq, 'its exchange was changed after it was written');
      prev = r.hash;
      lastSeq = r.seq;
    }
    if (rows.length < PAGE) break;
  }
  const head = tenant?.audit_head ?? GENESIS;
  if (head !== prev) return broken(lastSeq || null, 'the newest entries were removed (the log ends before the recorded head)');
  return { tenantId, entries, intact: true, brokenAt: null, reason: null };
}

/** Every tenant's chain, in id order. */
export async function verifyEveryTenant(db: Kysely<Database>): Promise<AuditVerdict[]> {
  const ids = (await db.selectFrom('tenants').select('id').orderBy('id').execute()).map((t) => t.id);
  const verdicts: AuditVerdict[] = [];
  for (const id of ids) verdicts.push(await verifyAudit(db, id));
  return verdicts;
}
