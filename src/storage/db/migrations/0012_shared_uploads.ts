import type { Kysely } from 'kysely';

// Resumable uploads that any instance can continue (issue 7: nothing that matters lives in one process).
// - The one-PATCH-at-a-time lock becomes a lease on the upload's row: a random holder id and the time it
//   ends, so an instance that dies holding it blocks the upload only until then.
// - With BLOB_STORE=s3 the staged segments are objects in the bucket (S3 cannot append), one per PATCH:
//   `upload_parts` lists them in order, `staged_segments` is the durable offset in segments (HEAD reads
//   it), and `staging_header` the segmented-GCM header the segments are sealed under. The folder store
//   keeps its staging file (header and segments in one file) and leaves these as they are.
// Parts go with their upload (ON DELETE CASCADE): completion, termination, expiry and tenant deletion
// remove the upload's row only. Portable SQL only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('patch_lease', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('patch_lease_until', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('staged_segments', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('uploads').addColumn('staging_header', 'text').execute();
  await db.schema.createTable('upload_parts')
    .addColumn('upload_id', 'text', (c) => c.notNull().references('uploads.id').onDelete('cascade'))
    .addColumn('first_segment', 'integer', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_parts_pk', ['upload_id', 'first_segment'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('SecureExchange migrations are forward-only');
}
