// The blob store contract. Keys are opaque ids chosen by SecureExchange, never user file names.
// A store is done when it passes test/blob-store-conformance.ts (the tus-node-server way).
import type { Readable } from 'node:stream';

export interface BlobStore {
  /** Streams `source` into the store; the blob becomes visible only once completely and durably written. */
  put(key: string, source: Readable): Promise<{ bytes: number }>;
  /** A stream of the blob's bytes; errors with a not-found error when absent. */
  get(key: string): Readable;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored blob with the time it was written (for collecting blobs nothing refers to). */
  list(): AsyncIterable<{ key: string; writtenAt: number }>;
  /** Removes the leftovers of writes that never finished (a crash mid-upload) older than `olderThan`; returns how many. */
  removePartial(olderThan: Date): Promise<number>;
}
