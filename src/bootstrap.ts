// Opens what a process needs (database, keys, blob store) from the configuration: shared by server and CLI.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Ctx } from './domain/context.js';
import { assertMasterKeyMatches } from './domain/tenants/tenant-key.js';
import { FolderBlobStore } from './storage/blobs/folder-store.js';
import { partSizeFor, S3BlobStore } from './storage/blobs/s3-store.js';
import type { BlobStore } from './storage/blobs/store.js';
import { loadMasterKey } from './storage/crypto/keys.js';
import { openDatabase, type Db } from './storage/db/index.js';
import { BucketStaging } from './storage/uploads/bucket-staging.js';
import { FolderStaging } from './storage/uploads/folder-staging.js';
import type { UploadStaging } from './storage/uploads/staging.js';

export async function openContext(config: Config, log: Logger): Promise<Ctx> {
  const masterKey = loadMasterKey(config.masterKey, config.dataDir);
  const db = await openDatabase(config.databaseUrl ?? config.databaseFile);
  const ctx: Ctx = { config, db, blobs: openBlobStore(config, log), staging: openUploadStaging(config, db, log), masterKey, log };
  try {
    await assertMasterKeyMatches(ctx);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return ctx;
}

/** The folder under DATA_DIR (embedded default), or the bucket when BLOB_STORE=s3. */
export function openBlobStore(config: Config, log: Logger): BlobStore {
  if (config.blobStore === 's3' && config.s3) {
    // Parts sized so the largest allowed upload fits in S3's 10,000 parts; two in flight keep one put
    // at a few tens of MiB however large the document (DESIGN.md: never held whole in memory).
    return new S3BlobStore({ ...config.s3, partSize: partSizeFor(config.maxUploadBytes), queueSize: 2 }, log);
  }
  return new FolderBlobStore(config.blobDir);
}

/**
 * Staging of resumable uploads beside the blobs: DATA_DIR/uploads with the folder store (the one place
 * an embedded installation's processes share), the bucket's `uploads/` prefix with S3 (instances share
 * the bucket, not a folder).
 */
export function openUploadStaging(config: Config, db: Db, log: Logger): UploadStaging {
  if (config.blobStore === 's3' && config.s3) {
    const store = new S3BlobStore({ ...config.s3, prefix: `${config.s3.prefix}uploads/`, partSize: partSizeFor(config.maxUploadBytes), queueSize: 2 }, log);
    // A PATCH cannot outlive its upload: older unfinished multipart uploads are an instance killed mid-PATCH.
    return new BucketStaging(store, db, config.uploadExpiryHours * 3600_000);
  }
  return new FolderStaging(config.uploadDir, db);
}
