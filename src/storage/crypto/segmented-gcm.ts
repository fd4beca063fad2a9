// Documents at rest: AES-256-GCM in fixed-size segments, each with its own nonce and tag, so a download
// verifies every segment before releasing its bytes (a single GCM stream would release plaintext before
// the final tag is checked: MEASURED.md). The construction follows the STREAM scheme: the nonce holds the
// segment index, and the associated data carries the header and a last-segment flag, so segments cannot
// be reordered, swapped between documents (per-document key and random prefix) or truncated away.
import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('SXE1', 'ascii');
export const HEADER_BYTES = 16;
const TAG_BYTES = 16;
export const DEFAULT_SEGMENT_SIZE = 64 * 1024;

export class IntegrityError extends Error {}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 8);
  n.writeUInt32BE(index, 8);
  return n;
}

function aad(header: Buffer, last: boolean): Buffer {
  return Buffer.concat([header, Buffer.from([last ? 1 : 0])]);
}

/** Collects chunks and hands out exact-size slices without quadratic copying. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer) { if (b.length) { this.chunks.push(b); this.length += b.length; } }
  take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      // The common case (a chunk holds the whole segment): a view, no copy.
      this.chunks[0] = first.subarray(n);
      if (!this.chunks[0].length) this.chunks.shift();
      this.length -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const head = this.chunks[0]!;
      const need = n - off;
      if (head.length <= need) {
        head.copy(out, off);
        off += head.length;
        this.chunks.shift();
      } else {
        head.copy(out, off, 0, need);
        this.chunks[0] = head.subarray(need);
        off += need;
      }
    }
    this.length -= n;
    return out;
  }
}

export function encryptedSize(plainSize: number, segmentSize: number): number {
  const segments = Math.max(1, Math.ceil(plainSize / segmentSize));
  return HEADER_BYTES + plainSize + segments * TAG_BYTES;
}

export class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly prefix: Buffer;
  private readonly queue = new ChunkQueue();
  private index = 0;

  constructor(private readonly key: Buffer, private readonly segmentSize = DEFAULT_SEGMENT_SIZE) {
    super();
    this.prefix = crypto.randomBytes(8);
    this.header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(this.header, 0);
    this.header.writeUInt32BE(segmentSize, 4);
    this.prefix.copy(this.header, 8);
    this.push(this.header);
  }

  private seal(plain: Buffer, last: boolean) {
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.index++));
    cipher.setAAD(aad(this.header, last));
    this.push(cipher.update(plain));
    cipher.final();
    this.push(cipher.getAuthTag());
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.queue.push(chunk);
    // Strictly more than one segment buffered: only then is the segment known not to be the last.
    while (this.queue.length > this.segmentSize) this.seal(this.queue.take(this.segmentSize), false);
    done();
  }

  override _flush(done: TransformCallback) {
    this.seal(this.queue.take(this.queue.length), true);
    done();
  }
}

export class DecryptStream extends Transform {
  private header: Buffer | null = null;
  private prefix: Buffer = Buffer.alloc(0);
  private sealedSize = 0;
  private readonly queue = new ChunkQueue();
  private index = 0;

  constructor(private readonly key: Buffer) {
    super();
  }

  private open(sealed: Buffer, last: boolean) {
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.index++));
    decipher.setAAD(aad(this.header!, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      decipher.final();
      // Released only now that the tag has verified.
      this.push(plain);
    } catch {
      throw new IntegrityError(`document segment ${this.index - 1} failed authentication`);
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    try {
      this.queue.push(chunk);
      if (!this.header) {
        if (this.queue.length < HEADER_BYTES) return done();
        const header = this.queue.take(HEADER_BYTES);
        if (!header.subarray(0, 4).equals(MAGIC)) throw new IntegrityError('not a SecureExchange encrypted blob');
        this.header = header;
        this.sealedSize = header.readUInt32BE(4) + TAG_BYTES;
        this.prefix = header.subarray(8, 16);
      }
      while (this.queue.length > this.sealedSize) this.open(this.queue.take(this.sealedSize), false);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback) {
    try {
      if (!this.header || this.queue.length < TAG_BYTES) throw new IntegrityError('encrypted blob is truncated');
      this.open(this.queue.take(this.queue.length), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
