import type { Kysely } from 'kysely';

// The blob collector asks, for batches of stored blob keys, which ones a live document version still
// refers to; without this index each batch would scan every version of every tenant.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('document_versions_blob_key').on('document_versions').column('blob_key').execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
