// Messages between the event loop and the SHA-256 thread.
export type ToHashWorker =
  | { type: 'update'; id: number; data: ArrayBuffer; length: number }
  | { type: 'digest'; id: number }
  | { type: 'discard'; id: number };

export type FromHashWorker =
  /** A batch hashed: its memory comes back for the next batch (no allocation per MiB on either side). */
  | { type: 'returned'; id: number; data: ArrayBuffer }
  | { type: 'digest'; id: number; hex: string };
