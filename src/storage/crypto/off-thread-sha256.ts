// SHA-256 computed on a worker thread. Bytes are gathered into 1 MiB batches whose memory is transferred
// to the thread, not cloned, and comes back once hashed to carry the next batch: at most IN_FLIGHT
// batches per hash exist, so a slow thread holds the upload back (backpressure) instead of letting
// memory grow. One shared thread serves every upload; it hashes at well over 1 GiB/s.
import type { Worker } from 'node:worker_threads';
import { siblingWorkerUrl, startWorker } from '../../workers/start-worker.js';
import type { FromHashWorker, ToHashWorker } from './hash-protocol.js';

const BATCH = 1024 * 1024;
const IN_FLIGHT = 4;

let worker: Worker | null = null;
let nextId = 1;
const live = new Map<number, OffThreadSha256>();

function thread(): Worker {
  if (worker) return worker;
  const w = startWorker(siblingWorkerUrl('hash-worker', import.meta.url));
  // Referenced only while some hash has work on it: an idle hash thread never holds the process open.
  w.unref();
  w.on('message', (m: FromHashWorker) => live.get(m.id)?.answer(m));
  const fail = (err: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const h of live.values()) h.fail(err);
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the hash thread stopped (exit code ${code})`)));
  worker = w;
  return w;
}

/** Starts the hash thread now (the server at start), so its memory is part of the fixed footprint, not of the first upload. */
export function startHashThread(): void {
  thread();
}

let referenced = 0;
function hold(w: Worker, on: boolean) {
  referenced += on ? 1 : -1;
  if (referenced === 1 && on) w.ref();
  if (referenced === 0) w.unref();
}

export class OffThreadSha256 {
  private readonly id = nextId++;
  private readonly w = thread();
  private batch: ArrayBuffer | null = null;
  private fill = 0;
  private readonly spare: ArrayBuffer[] = [];
  private allocated = 0;
  private waiter: (() => void) | null = null;
  private done: { resolve: (hex: string) => void; reject: (e: Error) => void } | null = null;
  private error: Error | null = null;
  private busy = false;

  constructor() {
    live.set(this.id, this);
  }

  /** Adds bytes; resolves once they are copied (it waits while IN_FLIGHT batches are being hashed). */
  async update(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      if (this.error) throw this.error;
      if (!this.batch) this.batch = await this.nextBatch();
      const n = chunk.copy(new Uint8Array(this.batch), this.fill, off, Math.min(chunk.length, off + BATCH - this.fill));
      this.fill += n;
      off += n;
      if (this.fill === BATCH) this.send();
    }
  }

  private async nextBatch(): Promise<ArrayBuffer> {
    for (;;) {
      const free = this.spare.pop();
      if (free) return free;
      if (this.allocated < IN_FLIGHT) { this.allocated++; return new ArrayBuffer(BATCH); }
      await new Promise<void>((resolve) => { this.waiter = resolve; });
      if (this.error) throw this.error;
    }
  }

  private send() {
    if (!this.batch || !this.fill) return;
    if (!this.busy) { this.busy = true; hold(this.w, true); }
    const data = this.batch;
    this.w.postMessage({ type: 'update', id: this.id, data, length: this.fill } satisfies ToHashWorker, [data]);
    this.batch = null;
    this.fill = 0;
  }

  /** @internal The thread's answers for this hash. */
  answer(m: FromHashWorker) {
    if (m.type === 'returned') {
      this.spare.push(m.data);
      const wake = this.waiter;
      this.waiter = null;
      wake?.();
    } else {
      this.finish();
      this.done?.resolve(m.hex);
    }
  }

  /** @internal The thread died: this hash can never complete. */
  fail(err: Error) {
    this.error = err;
    this.finish();
    this.waiter?.();
    this.done?.reject(err);
  }

  private finish() {
    live.delete(this.id);
    if (this.busy) { this.busy = false; hold(this.w, false); }
  }

  digest(): Promise<string> {
    if (this.error) return Promise.reject(this.error);
    this.send();
    if (!this.busy) { this.busy = true; hold(this.w, true); }
    return new Promise((resolve, reject) => {
      this.done = { resolve, reject };
      this.w.postMessage({ type: 'digest', id: this.id } satisfies ToHashWorker);
    });
  }

  /** Forgets the bytes sent so far (an upload that failed). */
  discard(): void {
    if (worker === this.w) this.w.postMessage({ type: 'discard', id: this.id } satisfies ToHashWorker);
    this.finish();
  }
}
