// What the server process remembers about resumable uploads between requests: which ones have a PATCH
// running (one at a time per upload), and the running SHA-256 of each one's plaintext so far. Neither
// needs to survive a restart: a lock dies with the request that held it, and a lost hash is recomputed
// at completion by decrypting the staging file (complete-upload.ts).
import type { Hash } from 'node:crypto';

const busy = new Set<string>();
const hashes = new Map<string, { offset: number; hash: Hash }>();
// Abandoned uploads must not grow the map without end; a forgotten hash only costs a recomputation.
const MAX_HASHES = 10_000;

/** Takes the upload for one request; false while another request holds it. */
export function claimUpload(id: string): boolean {
  if (busy.has(id)) return false;
  busy.add(id);
  return true;
}

export function releaseUpload(id: string): void {
  busy.delete(id);
}

export const isUploadBusy = (id: string): boolean => busy.has(id);

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
