// What every use case receives: passed in, never imported, so tests and the CLI build their own.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { BlobStore } from '../storage/blobs/store.js';
import type { Db } from '../storage/db/index.js';

export interface Ctx {
  config: Config;
  db: Db;
  blobs: BlobStore;
  masterKey: Buffer;
  log: Logger;
}
