import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Only portable column types (text, integer, bigint) so the same migration runs on SQLite and PostgreSQL.
// Booleans are integers 0/1 and times ISO-8601 text on both, so every query compares them alike.
export async function up(db: Kysely<any>): Promise<void> {
  // An append-only sequence: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT (the rowid, never reused);
  // PostgreSQL has no AUTOINCREMENT keyword, its equivalent is an identity column (bigint: it is a
  // log that only grows; values arrive as numbers either way, see openPostgres).
  const pg = isPostgres(db);
  const seqType = pg ? 'bigint' : 'integer';
  const seq = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema.createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('default_language', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    // SAML policy: the My Apps tile and Entra's Test button need unsolicited responses; SHA-1 only on request.
    .addColumn('allow_idp_initiated', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('allow_sha1', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('scim_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('scim_tokens_tenant').on('scim_tokens').column('tenant_id').execute();

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('formatted_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    // Nullable: Entra may provision a user before its mapping sends these; such a user is stored (so
    // the tenant can see whom to fix) but cannot sign in without a user type.
    .addColumn('mobile', 'text')
    .addColumn('preferred_language', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text')
    // An ADMIN may act only once the tenant has promoted it (the guide's glossary).
    .addColumn('promoted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The unique indexes are what makes concurrent duplicate POSTs safe: one insert wins, the rest conflict.
  await db.schema.createIndex('users_tenant_username').on('users').columns(['tenant_id', 'user_name_key']).unique().execute();
  await db.schema.createIndex('users_tenant_external').on('users').columns(['tenant_id', 'external_id']).unique().execute();

  await db.schema.createTable('idp_configs')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('sso_url', 'text', (c) => c.notNull())
    .addColumn('slo_url', 'text')
    .addColumn('certificates', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    // Set when the metadata came from a URL (Entra's App Federation Metadata URL): refreshed on a schedule.
    .addColumn('source_url', 'text')
    .addColumn('next_refresh_at', 'text')
    .addColumn('refresh_error', 'text')
    .addColumn('refreshed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('saml_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('saml_replay')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('assertion_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_replay_pk', ['tenant_id', 'assertion_id'])
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // What single logout needs: the NameID and SessionIndex the IdP issued with this sign-in.
    .addColumn('name_id', 'text')
    .addColumn('name_id_format', 'text')
    .addColumn('session_index', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  // The tenant's own sign-in (username + password), never a staff member's: kept apart from `sessions`.
  await db.schema.createTable('tenant_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('exchanges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // Set when the owner is deactivated or deleted: an admin hands the exchange to another advisor.
    .addColumn('needs_reassignment', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exchanges_tenant').on('exchanges').column('tenant_id').execute();

  await db.schema.createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('segment_size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('documents_exchange').on('documents').column('exchange_id').execute();

  await db.schema.createTable('audit_log')
    .addColumn('seq', seqType, seq)
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_tenant_seq').on('audit_log').columns(['tenant_id', 'seq']).execute();

  await db.schema.createTable('provisioning_log')
    .addColumn('seq', seqType, seq)
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('provisioning_tenant_seq').on('provisioning_log').columns(['tenant_id', 'seq']).execute();
  await db.schema.createIndex('provisioning_at').on('provisioning_log').column('at').execute();
  // Housekeeping deletes by expiry: indexed, so it never scans the tables.
  await db.schema.createIndex('saml_replay_expires').on('saml_replay').column('expires_at').execute();
  await db.schema.createIndex('saml_requests_expires').on('saml_requests').column('expires_at').execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
  await db.schema.createIndex('tenant_sessions_expires').on('tenant_sessions').column('expires_at').execute();
  await db.schema.createIndex('exchanges_owner').on('exchanges').column('owner_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
