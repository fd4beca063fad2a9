import type { Kysely } from 'kysely';
import { exchangeIdOf } from '../../../domain/audit/exchange-of-entry.js';

// An exchange's activity (issue 5) reads the audit entries about that exchange: an indexed
// `exchange_id`, derived from the entry's target (`exchange:<id>`) or `detail.exchange`. It is not a
// new fact: verifyAudit checks it against the hashed target and detail, so the chain's hash formula is
// unchanged and every existing chain still verifies after this backfill.
// Portable: the derivation runs here in JavaScript (JSON functions differ between SQLite and PostgreSQL).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('exchange_id', 'text').execute();
  await db.schema.createIndex('audit_exchange_seq').on('audit_log').columns(['exchange_id', 'seq']).execute();

  let after = 0;
  for (;;) {
    const rows: Array<{ seq: number; target: string | null; detail: string | null }> = await db.selectFrom('audit_log')
      .select(['seq', 'target', 'detail']).where('seq', '>', after)
      .where((eb) => eb.or([eb('target', 'like', 'exchange:%'), eb('detail', 'like', '%"exchange"%')]))
      .orderBy('seq').limit(1000).execute();
    if (!rows.length) break;
    for (const r of rows) {
      const id = exchangeIdOf(r.target, r.detail);
      if (id) await db.updateTable('audit_log').set({ exchange_id: id }).where('seq', '=', r.seq).execute();
    }
    after = rows[rows.length - 1]!.seq;
  }
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
