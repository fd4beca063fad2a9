// What the server process remembers about resumable uploads between requests: the running SHA-256 of
// each one's plaintext so far. Only an optimisation: with several instances the next PATCH may land
// elsewhere, and a lost hash is recomputed at completion from the staged segments (complete-upload.ts).
// The one-PATCH-at-a-time lock is not here but in the database (upload-lease.ts).
import type { Hash } from 'node:crypto';

const hashes = new Map<string, { offset: number; hash: Hash }>();
// Abandoned uploads must not grow the map without end; a forgotten hash only costs a recomputation.
const MAX_HASHES = 10_000;

/** The running hash, only if it covers exactly the first `offset` bytes; taken out of the registry. */
export function takeHash(id: string, offset: number): Hash | undefined {
  const kept = hashes.get(id);
  hashes.delete(id);
  return kept && kept.offset === offset ? kept.hash : undefined;
}

export function keepHash(id: string, offset: number, hash: Hash): void {
  if (hashes.size >= MAX_HASHES) hashes.delete(hashes.keys().next().value!);
  hashes.set(id, { offset, hash });
}

export function forgetUpload(id: string): void {
  hashes.delete(id);
}
