// What every use case receives: passed in, never imported, so tests and the CLI build their own.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { BlobStore } from '../storage/blobs/store.js';
import type { Db } from '../storage/db/index.js';
import type { UploadStaging } from '../storage/uploads/staging.js';

export interface Ctx {
  config: Config;
  db: Db;
  blobs: BlobStore;
  /** Where resumable uploads' sealed segments wait for the last byte (beside the blobs: folder or bucket). */
  staging: UploadStaging;
  masterKey: Buffer;
  log: Logger;
}
