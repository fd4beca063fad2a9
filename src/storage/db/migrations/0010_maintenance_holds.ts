import type { Kysely } from 'kysely';

// Holds that pause a housekeeping step for a while, across processes: a running backup holds blob
// removal, so every blob its database snapshot refers to is still there when it is copied.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('maintenance_holds')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('until', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
