import type { Kysely } from 'kysely';

// Sessions end after a stretch without use (SESSION_IDLE_SECONDS), not only at their expiry: a cookie
// left in an abandoned browser stops working on the server too. Null: not seen since sign-in.
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['sessions', 'tenant_sessions', 'client_sessions']) {
    await db.schema.alterTable(table).addColumn('last_seen_at', 'text').execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
