// The folder store (embedded default) against the shared blob store suite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderBlobStore } from '../../src/storage/blobs/folder-store.js';
import { blobStoreConformance } from './blob-store-conformance.js';

blobStoreConformance('FolderBlobStore', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-blobs-'));
  return {
    store: new FolderBlobStore(root),
    // No parts: the size only shapes the "spans parts" cases.
    partSize: 5 * 1024 * 1024,
    close: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});
