import type { Kysely } from 'kysely';

// Resumable uploads (tus 1.0). A row per upload in progress; the version id, blob key and wrapped key
// are chosen at creation, because the staging file is sealed under that version's key from the first
// byte on. The row goes when the upload completes (it becomes a document version), is terminated or
// expires. Portable SQL only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('exchange_id', 'text', (c) => c.notNull().references('exchanges.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text')
    .addColumn('name', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('length', 'bigint', (c) => c.notNull())
    .addColumn('segment_size', 'integer', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull().unique())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  // The housekeeping job looks for expired uploads.
  await db.schema.createIndex('uploads_expires').on('uploads').column('expires_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
