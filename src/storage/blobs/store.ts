// The blob store contract. Keys are opaque ids chosen by SecureExchange, never user file names.
// A store is done when it passes src/storage/blobs/conformance.ts (the tus-node-server way): see
// folder-store.test.ts and s3-store.test.ts beside it.
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Streams `source` into the store; the blob becomes visible only once completely and durably written. */
  put(key: string, source: Readable): Promise<{ bytes: number }>;
  /** A stream of the blob's bytes; errors with a not-found error (`code` 'ENOENT') when absent. */
  get(key: string): Readable;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored blob with the time it was written (for collecting blobs nothing refers to). */
  list(): AsyncIterable<{ key: string; writtenAt: number }>;
  /** Removes the leftovers of writes that never finished (a crash mid-upload) older than `olderThan`; returns how many. */
  removePartial(olderThan: Date): Promise<number>;
  /** Resolves when the store can be written to now (readiness probe); rejects otherwise. */
  ready(): Promise<void>;
}

/** Keys SecureExchange makes (24 random bytes, base64url); anything else is refused before it reaches a path or a URL. */
export const BLOB_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** The not-found error of `get`, shaped like the file system's so callers need not know the store. */
export class BlobNotFoundError extends Error {
  readonly code = 'ENOENT';
  constructor() { super('blob not found'); this.name = 'BlobNotFoundError'; }
}
