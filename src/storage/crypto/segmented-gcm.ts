// Documents at rest: AES-256-GCM in fixed-size segments, each with its own nonce and tag, so a download
// verifies every segment before releasing its bytes (a single GCM stream would release plaintext before
// the final tag is checked: MEASURED.md). The construction follows the STREAM scheme: the nonce holds the
// segment index, and the associated data carries the header and a last-segment flag, so segments cannot
// be reordered, swapped between documents (per-document key and random prefix) or truncated away.
import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('SXE1', 'ascii');
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
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
export class ChunkQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer) { if (b.length) { this.chunks.push(b); this.length += b.length; } }
  /** The next `n` bytes as views of the chunks they arrived in: no copy (a segment rarely aligns with a socket read). */
  takeViews(n: number): Buffer[] {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.length <= need) {
        out.push(head);
        this.chunks.shift();
        need -= head.length;
      } else {
        out.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    return out;
  }
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

/** A fresh header: magic, segment size, random nonce prefix (unique per document key and upload). */
export function newHeader(segmentSize: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(segmentSize, 4);
  crypto.randomBytes(8).copy(header, 8);
  return header;
}

/**
 * Seals and opens single segments under one header. Sealing segment by index (not by position in a
 * stream) lets a resumable upload continue at segment N in a later request or process with the header
 * already on disk; the bytes are the same as EncryptStream's.
 */
export class SegmentCipher {
  readonly segmentSize: number;
  private readonly prefix: Buffer;

  constructor(private readonly key: Buffer, readonly header: Buffer) {
    if (header.length !== HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC)) throw new IntegrityError('not a SecureExchange encrypted blob');
    this.segmentSize = header.readUInt32BE(4);
    this.prefix = header.subarray(8, 16);
  }

  /** Ciphertext and tag of segment `index`. */
  seal(plain: Buffer, index: number, last: boolean): Buffer {
    return Buffer.concat(this.sealParts([plain], index, last));
  }

  /**
   * The same bytes as seal(), for a segment given in pieces and returned in pieces (ciphertext of each
   * piece, then the tag): a stream never copies a segment together or a tag onto it.
   */
  sealParts(plain: Buffer[], index: number, last: boolean): Buffer[] {
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, index));
    cipher.setAAD(aad(this.header, last));
    const out = plain.map((p) => cipher.update(p));
    cipher.final();
    out.push(cipher.getAuthTag());
    return out;
  }

  /** The plaintext of segment `index`, only once its tag has verified. */
  open(sealed: Buffer, index: number, last: boolean): Buffer {
    const parts = this.openParts([sealed], sealed.length, index, last);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * The same as open() for a sealed segment given in pieces (`size` bytes in all, the tag at the end),
   * returned in pieces: nothing is released before the tag has verified.
   */
  openParts(sealed: Buffer[], size: number, index: number, last: boolean): Buffer[] {
    if (size < TAG_BYTES) throw new IntegrityError(`document segment ${index} is truncated`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, nonce(this.prefix, index));
    decipher.setAAD(aad(this.header, last));
    const out: Buffer[] = [];
    const tag: Buffer[] = [];
    let body = size - TAG_BYTES;
    for (const part of sealed) {
      const n = Math.min(part.length, body);
      if (n > 0) out.push(decipher.update(n === part.length ? part : part.subarray(0, n)));
      if (n < part.length) tag.push(part.subarray(n));
      body -= n;
    }
    decipher.setAuthTag(tag.length === 1 ? tag[0]! : Buffer.concat(tag));
    try {
      decipher.final();
    } catch {
      throw new IntegrityError(`document segment ${index} failed authentication`);
    }
    return out;
  }
}

export class EncryptStream extends Transform {
  private readonly cipher: SegmentCipher;
  private readonly queue = new ChunkQueue();
  private index = 0;

  constructor(key: Buffer, private readonly segmentSize = DEFAULT_SEGMENT_SIZE) {
    // Room for many segments: with the default 16 KiB every 64 KiB segment would stall the pipe.
    super({ highWaterMark: 1024 * 1024 });
    this.cipher = new SegmentCipher(key, newHeader(segmentSize));
    this.push(this.cipher.header);
  }

  private seal(plain: Buffer[], last: boolean) {
    for (const part of this.cipher.sealParts(plain, this.index++, last)) this.push(part);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.queue.push(chunk);
    // Strictly more than one segment buffered: only then is the segment known not to be the last.
    while (this.queue.length > this.segmentSize) this.seal(this.queue.takeViews(this.segmentSize), false);
    done();
  }

  override _flush(done: TransformCallback) {
    this.seal(this.queue.takeViews(this.queue.length), true);
    done();
  }
}

export class DecryptStream extends Transform {
  private cipher: SegmentCipher | null = null;
  private sealedSize = 0;
  private readonly queue = new ChunkQueue();
  private index = 0;

  constructor(private readonly key: Buffer) {
    // Room for several segments between stages: with the default 16 KiB every 64 KiB segment stalls the pipe.
    super({ highWaterMark: 1024 * 1024 });
  }

  private open(size: number, last: boolean) {
    // Released only once the tag has verified.
    for (const part of this.cipher!.openParts(this.queue.takeViews(size), size, this.index++, last)) this.push(part);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    try {
      this.queue.push(chunk);
      if (!this.cipher) {
        if (this.queue.length < HEADER_BYTES) return done();
        // A copy: the header outlives the chunk it arrived in.
        this.cipher = new SegmentCipher(this.key, Buffer.from(this.queue.take(HEADER_BYTES)));
        this.sealedSize = this.cipher.segmentSize + TAG_BYTES;
      }
      while (this.queue.length > this.sealedSize) this.open(this.sealedSize, false);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback) {
    try {
      if (!this.cipher || this.queue.length < TAG_BYTES) throw new IntegrityError('encrypted blob is truncated');
      this.open(this.queue.length, true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
