// Messages between the event loop and a seal thread (off-thread-seal.ts, seal-worker.ts).
export type ToSealWorker =
  /** A new document: its key and header (copied to the thread). */
  | { type: 'start'; id: number; key: Uint8Array; header: Uint8Array }
  /**
   * The next `length` plaintext bytes in a transferred buffer with room for their tags, whole segments
   * unless `last` (then the final segment may be short, or empty); sealed in place and sent back.
   */
  | { type: 'batch'; id: number; data: ArrayBuffer; length: number; last: boolean }
  | { type: 'discard'; id: number };

export type FromSealWorker =
  /** A batch sealed in place: `length` bytes of it; with the last batch, the SHA-256 of all the plaintext. */
  | { type: 'sealed'; id: number; data: ArrayBuffer; length: number; sha256?: string }
  | { type: 'failed'; id: number; message: string };
