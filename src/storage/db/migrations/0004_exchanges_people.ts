import { sql, type Kysely } from 'kysely';

// Exchanges, people and permissions (issue 5): deputies, external clients with their invitations,
// one-time codes and sessions, TOTP for the tenant and clients, and documents with versions.
// Portable column types only (text, integer, bigint): the same migration runs on SQLite and PostgreSQL.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exchanges').addColumn('expires_at', 'text').execute();
  // Clients see each other's names only when the advisor shares them (DESIGN.md: "nothing else").
  await db.schema.alterTable('exchanges').addColumn('share_client_names', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // TOTP secrets are wrapped by the tenant key; `totp_last_step` refuses a code used twice.
  for (const table of ['tenants']) {
    await db.schema.alterTable(table).addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable(table).addColumn('totp_pending', 'text').execute();
    await db.schema.alterTable(table).addColumn('totp_last_step', 'bigint').execute();
    await db.schema.alterTable(table).addColumn('password_changed_at', 'text').execute();
  }

  await db.schema.createTable('exchange_deputies')
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_deputies_pk', ['exchange_id', 'user_id'])
    .execute();
  await db.schema.createIndex('exchange_deputies_user').on('exchange_deputies').column('user_id').execute();

  // An external person, known by e-mail address within one tenant; created by its first invitation.
  await db.schema.createTable('clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('language', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_pending', 'text')
    .addColumn('totp_last_step', 'bigint')
    .addColumn('failed_codes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clients_tenant_email').on('clients').columns(['tenant_id', 'email_key']).unique().execute();

  // A client's access to one exchange; revoking keeps the row (who had access when) and ends it.
  await db.schema.createTable('exchange_clients')
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addPrimaryKeyConstraint('exchange_clients_pk', ['exchange_id', 'client_id'])
    .execute();
  await db.schema.createIndex('exchange_clients_client').on('exchange_clients').column('client_id').execute();

  // Single-use invitation links: only the SHA-256 of the link's secret is kept.
  await db.schema.createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('invitations_exchange').on('invitations').column('exchange_id').execute();

  // One-time sign-in codes sent by mail (hash only; a few tries each).
  await db.schema.createTable('client_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('client_codes_client').on('client_codes').column('client_id').execute();
  await db.schema.createIndex('client_codes_expires').on('client_codes').column('expires_at').execute();

  await db.schema.createTable('client_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('client_sessions_client').on('client_sessions').column('client_id').execute();
  await db.schema.createIndex('client_sessions_expires').on('client_sessions').column('expires_at').execute();

  // Documents get versions: `documents` is the named file in an exchange, `document_versions` each
  // upload of it. The existing rows become version 1, keeping their id, so their wrapped keys (whose
  // associated data is `document:<version id>`) still open.
  await db.schema.createTable('document_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('segment_size', 'integer', (c) => c.notNull())
    /** "user:<id>" or "client:<id>". */
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('document_versions')
    .columns(['id', 'tenant_id', 'document_id', 'number', 'content_type', 'size', 'sha256', 'blob_key', 'wrapped_key', 'segment_size', 'uploaded_by', 'created_at'])
    .expression(db.selectFrom('documents').select(['id', 'tenant_id', 'id as document_id', sql<number>`1`.as('number'), 'content_type', 'size', 'sha256',
      'blob_key', 'wrapped_key', 'segment_size', sql<string>`'user:' || uploaded_by`.as('uploaded_by'), 'created_at']))
    .execute();
  await db.schema.createIndex('document_versions_document').on('document_versions').columns(['document_id', 'number']).unique().execute();

  await db.schema.createTable('documents_v2')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('current_version_id', 'text', (c) => c.notNull())
    .addColumn('version_count', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Deleting a document hides it and removes its blobs; the row stays for the audit trail's targets.
    .addColumn('deleted_at', 'text')
    .addColumn('deleted_by', 'text')
    .execute();
  await db.insertInto('documents_v2')
    .columns(['id', 'tenant_id', 'exchange_id', 'name', 'current_version_id', 'version_count', 'created_by', 'created_at', 'updated_at'])
    .expression(db.selectFrom('documents').select(['id', 'tenant_id', 'exchange_id', 'name', 'id as current_version_id', sql<number>`1`.as('version_count'),
      sql<string>`'user:' || uploaded_by`.as('created_by'), 'created_at', 'created_at as updated_at']))
    .execute();
  await db.schema.dropTable('documents').execute();
  await db.schema.alterTable('documents_v2').renameTo('documents').execute();
  await db.schema.createIndex('documents_exchange_v2').on('documents').columns(['exchange_id', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
