import { sql, type Kysely } from 'kysely';

// Tenant console and audit trail (issue 5). `tenants.audit_head` is the hash of the tenant's newest
// audit entry, written in the same transaction as the entry: the chain alone cannot tell a log whose
// newest entries were deleted from a shorter log, the head can. Each append also compares-and-sets
// it, so two writers that read the same head cannot both append after it (PostgreSQL's row lock
// makes the second one fail instead of forking the chain). Portable SQL only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('audit_head', 'text').execute();
  await sql`update tenants set audit_head = (
    select a.hash from audit_log a where a.tenant_id = tenants.id order by a.seq desc limit 1)`.execute(db);
  // The console's filters: by action (prefix) and by actor, newest first within a tenant.
  await db.schema.createIndex('audit_tenant_action').on('audit_log').columns(['tenant_id', 'action', 'seq']).execute();
  await db.schema.createIndex('audit_tenant_actor').on('audit_log').columns(['tenant_id', 'actor', 'seq']).execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
