import type { Kysely } from 'kysely';

// Rate-limit counters shared by every instance on one database (issue 7): one row per key, counting
// requests within a fixed window (window_start in epoch milliseconds). Portable SQL only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
