// SHA-256 computed on a worker thread. Bytes are gathered into 1 MiB batches (one copy, then the batch's
// memory is transferred, not cloned), so a message is sent per MiB, not per network chunk. One shared
// thread serves every upload: it hashes at well over 1 GiB/s, far more than the uploads can bring.
import type { Worker } from 'node:worker_threads';
import { siblingWorkerUrl, startWorker } from '../../workers/start-worker.js';
import type { FromHashWorker, ToHashWorker } from './hash-protocol.js';

const BATCH = 1024 * 1024;

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();

function thread(): Worker {
  if (worker) return worker;
  const w = startWorker(siblingWorkerUrl('hash-worker', import.meta.url));
  // Kept alive only while a digest is awaited: an idle hash thread never holds the process open.
  w.unref();
  w.on('message', (m: FromHashWorker) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (!waiting.size) w.unref();
    p?.resolve(m.hex);
  });
  const fail = (err: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the hash thread stopped (exit code ${code})`)));
  worker = w;
  return w;
}

function send(m: ToHashWorker, transfer: ArrayBuffer[] = []) {
  thread().postMessage(m, transfer);
}

export class OffThreadSha256 {
  private readonly id = nextId++;
  private batch: Buffer | null = null;
  private fill = 0;
  /** The thread this hash's bytes went to: if it was replaced meanwhile, they are lost. */
  private readonly owner = thread();

  update(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      // allocUnsafeSlow: a batch owns its whole ArrayBuffer, so it can be transferred.
      this.batch ??= Buffer.allocUnsafeSlow(BATCH);
      const n = chunk.copy(this.batch, this.fill, off, Math.min(chunk.length, off + BATCH - this.fill));
      this.fill += n;
      off += n;
      if (this.fill === BATCH) this.flush();
    }
  }

  private flush() {
    if (!this.batch || !this.fill) return;
    const whole = this.batch.buffer as ArrayBuffer;
    const data = this.fill === BATCH ? whole : whole.slice(0, this.fill);
    send({ type: 'update', id: this.id, data }, [data]);
    this.batch = null;
    this.fill = 0;
  }

  digest(): Promise<string> {
    this.flush();
    const w = thread();
    if (w !== this.owner) return Promise.reject(new Error('the hash thread was restarted during the upload'));
    return new Promise((resolve, reject) => {
      waiting.set(this.id, { resolve, reject });
      w.ref();
      send({ type: 'digest', id: this.id });
    });
  }

  /** Forgets the bytes sent so far (an upload that failed). */
  discard(): void {
    this.batch = null;
    if (worker === this.owner) send({ type: 'discard', id: this.id });
  }
}
