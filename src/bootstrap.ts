// Opens what a process needs (database, keys, blob store) from the configuration: shared by server and CLI.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Ctx } from './domain/context.js';
import { assertMasterKeyMatches } from './domain/tenants/tenant-key.js';
import { FolderBlobStore } from './storage/blobs/folder-store.js';
import { loadMasterKey } from './storage/crypto/keys.js';
import { openDatabase } from './storage/db/index.js';

export async function openContext(config: Config, log: Logger): Promise<Ctx> {
  const masterKey = loadMasterKey(config.masterKey, config.dataDir);
  const db = await openDatabase(config.databaseUrl ?? config.databaseFile);
  const ctx: Ctx = { config, db, blobs: new FolderBlobStore(config.blobDir), masterKey, log };
  try {
    await assertMasterKeyMatches(ctx);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return ctx;
}
