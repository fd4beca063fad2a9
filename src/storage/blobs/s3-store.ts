// Blobs as objects of an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2), for installations with more
// than one app instance. The bytes are already sealed (segmented AES-256-GCM) when they arrive, exactly
// as on disk, so the bucket never sees plaintext and needs no encryption setting of its own.
//
// All or nothing: a blob larger than one part goes up as a multipart upload, which S3 makes visible
// only at CompleteMultipartUpload; a failed or cut-off source aborts it. A process killed mid-upload
// leaves an unfinished multipart upload (invisible, but billed): removePartial aborts those.
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  UploadPartCommand, type CompletedPart, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import { BLOB_KEY, BlobNotFoundError, type BlobStore } from './store.js';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean;
  prefix?: string;
  /**
   * Bytes per part. One put holds queueSize + 1 part buffers: the parts in flight and the one being
   * filled. S3 allows 10,000 parts of at least 5 MiB (but the last).
   */
  partSize?: number;
  /** Parts uploaded at once by one put. */
  queueSize?: number;
  /** Explicit credentials (tests); otherwise the SDK's chain: AWS_* variables, profile, role. */
  credentials?: S3ClientConfig['credentials'];
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** The part size that lets a blob of `maxBytes` (plus the segments' tags and header) fit in S3's 10,000 parts. */
export function partSizeFor(maxBytes: number, floor = 8 * 1024 * 1024): number {
  const mib = 1024 * 1024;
  // 1 % margin covers the GCM overhead (16 bytes per 64 KiB segment and the header) many times over.
  return Math.max(floor, Math.ceil((maxBytes * 1.01) / (MAX_PARTS - 1) / mib) * mib);
}

const unavailable = () => new AppError('unavailable', 'The document store is unavailable; please try again later');

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3StoreOptions, private readonly log?: Logger) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE);
    this.queueSize = Math.max(options.queueSize ?? 2, 1);
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Checksums only where S3 requires them: many S3-compatible servers (older MinIO and Ceph, R2,
      // s3rver) reject or mangle the SDK's default CRC32 trailers. Integrity does not depend on them:
      // every 64 KiB segment carries its GCM tag, checked before any plaintext is released.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK waits forever by default: a bucket that stops answering would hold uploads and
      // downloads open without end. A socket idle this long fails the request (it is retried).
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
  }

  private objectKey(key: string): string {
    if (!BLOB_KEY.test(key)) throw new Error('invalid blob key');
    return this.prefix + key;
  }

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const Key = this.objectKey(key);
    const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const upload = new PartUpload(this.client, this.bucket, Key, this.queueSize);
    // Part buffers are filled by copying the chunks in (so each chunk is free at once) and reused once
    // their part is sent: one put holds at most queueSize + 1 of them, however large the blob.
    const pool: Buffer[] = [];
    const take = () => pool.pop() ?? Buffer.allocUnsafe(this.partSize);
    let part = take();
    let filled = 0;
    let bytes = 0;
    let finished = false;
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          throw new SourceError(err);
        }
        if (next.done) break;
        const chunk = next.value;
        for (let at = 0; at < chunk.length;) {
          const n = Math.min(chunk.length - at, this.partSize - filled);
          chunk.copy(part, filled, at, at + n);
          filled += n;
          at += n;
          bytes += n;
          if (filled < this.partSize) continue;
          const full = part;
          // Waits while queueSize parts are in flight: the source is not read meanwhile (backpressure).
          await upload.send(full, this.partSize, () => pool.push(full));
          part = take();
          filled = 0;
        }
      }
      if (upload.started) {
        if (filled > 0) await upload.send(part, filled, () => {});
        await upload.complete();
      } else {
        // Smaller than one part (or exactly empty): a single PutObject, atomic by itself.
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: part.subarray(0, filled), ContentLength: filled, ContentType: 'application/octet-stream' }));
      }
      finished = true;
      return { bytes };
    } catch (err) {
      await upload.abort(this.log);
      if (err instanceof SourceError) throw err.cause;
      this.log?.error({ err, key }, 'blob store: put failed');
      throw unavailable();
    } finally {
      // A put that failed on our side stops reading the source: that destroys it, so the request body
      // (and the encryption in front of it) is not left waiting.
      if (!finished) await chunks.return?.().catch(() => {});
    }
  }

  get(key: string): Readable {
    const Key = this.objectKey(key);
    return new ObjectStream(async (signal) => {
      try {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal });
        return res.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw new BlobNotFoundError();
        if (signal.aborted) throw err;
        this.log?.error({ err, key }, 'blob store: get failed');
        throw unavailable();
      }
    });
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      // S3 answers 204 for a missing key too, so a repeated delete is no error.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      if (isNotFound(err)) return;
      this.log?.error({ err, key }, 'blob store: delete failed');
      throw unavailable();
    }
  }

  /** `startsWith`: only keys beginning so (the staged objects of one upload, bucket-staging.ts). */
  async *list(startsWith = ''): AsyncIterable<{ key: string; writtenAt: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + startsWith || undefined, ContinuationToken }));
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.prefix.length);
        // Other things may share the bucket (or the prefix): only keys this store could have written count.
        if (!key || !BLOB_KEY.test(key) || key.includes('/')) continue;
        yield { key, writtenAt: o.LastModified?.getTime() ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async removePartial(olderThan: Date): Promise<number> {
    let removed = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined, KeyMarker, UploadIdMarker }));
        for (const u of page.Uploads ?? []) {
          const key = u.Key?.slice(this.prefix.length);
          if (!u.Key || !u.UploadId || !key || !BLOB_KEY.test(key)) continue;
          // A younger one may be an upload running now, in this or another instance.
          if (!u.Initiated || u.Initiated.getTime() >= olderThan.getTime()) continue;
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
          removed++;
        }
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (KeyMarker);
    } catch (err) {
      // Some S3-compatible servers (s3rver among them) do not implement ListMultipartUploads; a bucket
      // lifecycle rule (AbortIncompleteMultipartUpload) is the operator's remedy there, see README.
      if (isNotImplemented(err)) return removed;
      throw err;
    }
    return removed;
  }

  async ready(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Closes the client's kept-alive connections. */
  close(): void {
    this.client.destroy();
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

function isNotImplemented(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'NotImplemented' || name === 'MethodNotAllowed' || statusOf(err) === 501 || statusOf(err) === 405;
}

/** The source stream failed (a client cut off, the size limit): its own error is what put rejects with. */
class SourceError extends Error {
  constructor(override readonly cause: unknown) { super('source failed'); }
}

/**
 * One multipart upload, started by its first full part: parts go up queueSize at a time; S3 shows
 * nothing until complete(); abort() discards it (and, failing that, leaves it to removePartial).
 */
class PartUpload {
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private readonly stop = new AbortController();

  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly key: string, private readonly queueSize: number) {}

  get started(): boolean { return this.uploadId !== undefined; }

  /** Sends `length` bytes of `buf` as the next part; `release` runs once the buffer may be reused. */
  async send(buf: Buffer, length: number, release: () => void): Promise<void> {
    if (!this.uploadId) {
      const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: 'application/octet-stream' }));
      if (!created.UploadId) throw new Error('CreateMultipartUpload answered no UploadId');
      this.uploadId = created.UploadId;
    }
    while (this.inFlight.size >= this.queueSize) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const PartNumber = this.parts.length + 1;
    // Cannot happen within MAX_UPLOAD_BYTES (partSizeFor); S3 would refuse the completion anyway.
    if (PartNumber > MAX_PARTS) throw new Error(`more than ${MAX_PARTS} parts`);
    const entry: CompletedPart = { PartNumber };
    this.parts.push(entry);
    const sent = this.client.send(new UploadPartCommand({
      Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber, Body: buf.subarray(0, length), ContentLength: length,
    }), { abortSignal: this.stop.signal }).then((res) => {
      if (!res.ETag) throw new Error(`UploadPart ${PartNumber} answered no ETag`);
      entry.ETag = res.ETag;
      release();
    }).catch((err: unknown) => { this.failure ??= err; }).finally(() => { this.inFlight.delete(sent); });
    this.inFlight.add(sent);
  }

  async complete(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    await this.client.send(new CompleteMultipartUploadCommand({
      Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts },
    }));
    this.uploadId = undefined;
  }

  async abort(log?: Logger): Promise<void> {
    this.stop.abort();
    await Promise.all(this.inFlight);
    if (!this.uploadId) return;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }));
    } catch (err) {
      // The parts stay invisible either way; removePartial (or a lifecycle rule) discards them later.
      log?.warn({ err, key: this.key }, 'blob store: an unfinished multipart upload could not be aborted now');
    }
    this.uploadId = undefined;
  }
}

/**
 * The object's bytes as a stream that `get` can hand out at once (the interface is synchronous): the
 * request starts at the first read, backpressure pauses the response, and destroying the stream aborts
 * the request or closes the response (a client that hangs up mid-download costs no more transfer).
 */
class ObjectStream extends Readable {
  private body: Readable | undefined;
  private started = false;
  private readonly abort = new AbortController();

  constructor(private readonly open: (signal: AbortSignal) => Promise<Readable>) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _read() {
    if (this.body) { this.body.resume(); return; }
    if (this.started) return;
    this.started = true;
    this.open(this.abort.signal).then((body) => {
      if (this.destroyed) { body.destroy(); return; }
      this.body = body;
      body.on('data', (chunk: Buffer) => { if (!this.push(chunk)) body.pause(); });
      body.once('end', () => this.push(null));
      body.once('error', (err) => this.destroy(err));
    }, (err: Error) => this.destroy(err));
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void) {
    this.abort.abort();
    this.body?.destroy();
    done(err);
  }
}
