// Encryption at rest and the plaintext's SHA-256, computed on seal threads (seal-worker.ts) while the
// event loop moves bytes. A SealStream takes plaintext and gives exactly what EncryptStream gives (header,
// then sealed segments). Plaintext is gathered into batches of whole segments (about 1 MiB) whose memory
// is transferred to the thread, sealed there in place and transferred back to be passed on, never
// cloned. At most IN_FLIGHT batches per document are out, and no batch is started while the sealed
// output waits for a slow reader, so a slow thread or a slow store holds the upload back (backpressure)
// instead of letting memory grow.
import os from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { siblingWorkerUrl, startWorker } from '../../workers/start-worker.js';
import type { FromSealWorker, ToSealWorker } from './seal-protocol.js';
import { newHeader, TAG_BYTES } from './segmented-gcm.js';

const BATCH = 1024 * 1024;
const IN_FLIGHT = 4;
// One thread per core beside the event loop's, at least one: each seals at about 0.7 GiB/s.
const THREADS = Math.max(1, Math.min(4, os.availableParallelism() - 1));

interface Thread { worker: Worker; documents: number }
const threads: Array<Thread | null> = Array.from({ length: THREADS }, () => null);
let nextId = 1;
const live = new Map<number, SealStream>();

function thread(slot: number): Thread {
  const existing = threads[slot];
  if (existing) return existing;
  const t: Thread = { worker: startWorker(siblingWorkerUrl('seal-worker', import.meta.url)), documents: 0 };
  // Referenced only while a document is on it: an idle seal thread never holds the process open.
  t.worker.unref();
  t.worker.on('message', (m: FromSealWorker) => live.get(m.id)?.answer(m));
  const fail = (err: Error) => {
    if (threads[slot] !== t) return;
    threads[slot] = null;
    for (const s of live.values()) if (s.seat === t) s.fail(err);
  };
  t.worker.on('error', fail);
  t.worker.on('exit', (code) => fail(new Error(`a seal thread stopped (exit code ${code})`)));
  threads[slot] = t;
  return t;
}

/** Starts the seal threads now (the server at start), so their memory is part of the fixed footprint, not of the first upload. */
export function startSealThreads(): void {
  for (let i = 0; i < THREADS; i++) thread(i);
}

/** The thread with the fewest documents on it. */
function pick(): Thread {
  let best = thread(0);
  for (let i = 1; i < THREADS; i++) if (thread(i).documents < best.documents) best = thread(i);
  return best;
}

export class SealStream extends Transform {
  private readonly id = nextId++;
  /** @internal The thread this document is sealed on. */ readonly seat = pick();
  /** Plaintext bytes per batch: whole segments. */
  private readonly plain: number;
  private batch: ArrayBuffer | null = null;
  private fill = 0;
  private out = 0;
  private waiter: (() => void) | null = null;
  private ending: (() => void) | null = null;
  private error: Error | null = null;
  private attached = true;
  private digest: string | null = null;

  constructor(key: Buffer, private readonly segmentSize: number) {
    super({ highWaterMark: BATCH });
    this.plain = segmentSize * Math.max(1, Math.floor(BATCH / segmentSize));
    const header = newHeader(segmentSize);
    live.set(this.id, this);
    this.seat.documents++;
    if (this.seat.documents === 1) this.seat.worker.ref();
    this.post({ type: 'start', id: this.id, key: new Uint8Array(key), header: new Uint8Array(header) });
    this.push(header);
  }

  /** The SHA-256 (hex) of the plaintext; known once the stream has ended. */
  get sha256(): string {
    if (!this.digest) throw new Error('the SHA-256 is known only once the stream has ended');
    return this.digest;
  }

  private post(m: ToSealWorker, transfer: ArrayBuffer[] = []) {
    this.seat.worker.postMessage(m, transfer);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.gather(chunk).then(() => done(), (err: Error) => done(err));
  }

  private async gather(chunk: Buffer) {
    let off = 0;
    while (off < chunk.length) {
      if (this.error) throw this.error;
      // A full batch goes only once a byte follows it: only then is its last segment known not to be the
      // document's last (that one is sealed with a flag of its own).
      if (this.batch && this.fill === this.plain) this.send(false);
      if (!this.batch) this.batch = await this.nextBatch();
      const n = chunk.copy(new Uint8Array(this.batch), this.fill, off, Math.min(chunk.length, off + this.plain - this.fill));
      this.fill += n;
      off += n;
    }
  }

  private async nextBatch(): Promise<ArrayBuffer> {
    for (;;) {
      if (this.error) throw this.error;
      // Sealed bytes nobody has read yet, or enough batches out: wait before starting another.
      if (this.readableLength < this.readableHighWaterMark && this.out < IN_FLIGHT) {
        return new ArrayBuffer(this.plain + (this.plain / this.segmentSize + 1) * TAG_BYTES);
      }
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  private wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  override _read(size: number) {
    this.wake();
    super._read(size);
  }

  private send(last: boolean) {
    const data = this.batch ?? new ArrayBuffer(TAG_BYTES);
    this.post({ type: 'batch', id: this.id, data, length: this.fill, last }, [data]);
    this.out++;
    this.batch = null;
    this.fill = 0;
  }

  override _flush(done: TransformCallback) {
    if (this.error) return done(this.error);
    this.ending = () => done(this.error ?? undefined);
    this.send(true);
  }

  /** @internal The thread's answers for this document. */
  answer(m: FromSealWorker) {
    if (m.type === 'sealed') {
      this.out--;
      this.push(Buffer.from(m.data, 0, m.length));
      if (m.sha256) {
        this.digest = m.sha256;
        this.detach();
        this.ending?.();
      }
      this.wake();
    } else {
      this.fail(new Error(`sealing failed: ${m.message}`));
    }
  }

  /** @internal The thread died or refused: this document can never complete. */
  fail(err: Error) {
    this.error = err;
    this.detach();
    this.wake();
    if (this.ending) this.ending();
    else this.destroy(err);
  }

  private detach() {
    if (!this.attached) return;
    this.attached = false;
    live.delete(this.id);
    this.seat.documents--;
    if (this.seat.documents === 0) this.seat.worker.unref();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void) {
    this.error ??= err ?? new Error('the upload stopped');
    // An upload that failed: the thread forgets what it was sent.
    if (this.attached && threads.includes(this.seat)) this.post({ type: 'discard', id: this.id });
    this.detach();
    this.wake();
    done(err);
  }
}
