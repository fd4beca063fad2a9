// A seal thread: hashes (SHA-256) and encrypts (segmented AES-256-GCM, the bytes EncryptStream makes)
// the plaintext of uploads, so the event loop only moves bytes between the socket and the store:
// together the two cost about 1.4 ms of CPU per MiB, half of an upload's time on the event loop.
// Messages of one document arrive in order on one port and are answered in order.
import crypto from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { FromSealWorker, ToSealWorker } from './seal-protocol.js';
import { SegmentCipher, TAG_BYTES } from './segmented-gcm.js';

interface Job { hash: crypto.Hash; cipher: SegmentCipher; index: number }
const jobs = new Map<number, Job>();
const reply = (m: FromSealWorker, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

// Every ciphertext node:crypto returns is a fresh buffer outside the heap, and V8 collects such garbage
// only after tens of MiB of it: the process grew by ~80 MiB with its first large upload. A minor
// collection of this thread's young objects after each batch (a fraction of a millisecond per MiB)
// frees a batch's ciphertexts at once; a full collection every few batches cost twice the CPU.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;

/**
 * Seals the segments of `buf[0, length)` in place: segment i moves from i·size to i·(size + tag), so they
 * are sealed from the last to the first, each written only over bytes already read.
 */
function sealInPlace(job: Job, buf: Buffer, length: number, last: boolean): number {
  const seg = job.cipher.segmentSize;
  const count = last ? Math.max(1, Math.ceil(length / seg)) : length / seg;
  if (!Number.isInteger(count)) throw new Error('a batch that is not the last must hold whole segments');
  const first = job.index;
  job.index += count;
  for (let i = count - 1; i >= 0; i--) {
    const plain = buf.subarray(i * seg, Math.min(length, (i + 1) * seg));
    const isLast = last && i === count - 1;
    const parts = job.cipher.sealParts([plain], first + i, isLast);
    let at = i * (seg + TAG_BYTES);
    for (const part of parts) at += part.copy(buf, at);
  }
  return length + count * TAG_BYTES;
}

function handle(m: ToSealWorker) {
  if (m.type === 'start') {
    jobs.set(m.id, { hash: crypto.createHash('sha256'), cipher: new SegmentCipher(Buffer.from(m.key), Buffer.from(m.header)), index: 0 });
  } else if (m.type === 'discard') {
    jobs.delete(m.id);
  } else {
    const job = jobs.get(m.id);
    if (!job) throw new Error(`no document ${m.id} on this thread`);
    const buf = Buffer.from(m.data);
    job.hash.update(buf.subarray(0, m.length));
    const length = sealInPlace(job, buf, m.length, m.last);
    gc({ type: 'minor' });
    if (m.last) jobs.delete(m.id);
    reply({ type: 'sealed', id: m.id, data: m.data, length, ...(m.last ? { sha256: job.hash.digest('hex') } : {}) }, [m.data]);
  }
}

parentPort!.on('message', (m: ToSealWorker) => {
  try {
    handle(m);
  } catch (err) {
    jobs.delete(m.id);
    reply({ type: 'failed', id: m.id, message: (err as Error).message });
  }
});
