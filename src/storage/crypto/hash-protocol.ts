// Messages between the event loop and the SHA-256 thread.
export type ToHashWorker =
  | { type: 'update'; id: number; data: ArrayBuffer }
  | { type: 'digest'; id: number }
  | { type: 'discard'; id: number };

export interface FromHashWorker { id: number; hex: string }
