// Blobs as objects of an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2), for installations with more
// than one app instance. The bytes are already sealed (segmented AES-256-GCM) when they arrive, exactly
// as on disk, so the bucket never sees plaintext and needs no encryption setting of its own.
//
// All or nothing: a blob larger than one part goes up as a multipart upload, which S3 makes visible
// only at CompleteMultipartUpload; a failed or cut-off source aborts it. A process killed mid-upload
// leaves an unfinished multipart upload (invisible, but billed): removePartial aborts those.
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import {
  AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, S3Client, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
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
   * Bytes per part. Memory held by one put is about (queueSize + 2) parts: the parts in flight and the
   * one being filled (lib-storage concatenates chunks into it). S3 allows 10,000 parts of at least 5 MiB.
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
    });
  }

  private objectKey(key: string): string {
    if (!BLOB_KEY.test(key)) throw new Error('invalid blob key');
    return this.prefix + key;
  }

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const Key = this.objectKey(key);
    const counter = new ByteCounter();
    // The source's own error (a client cut off, the size limit) travels through `counter` into the
    // upload, which then aborts its multipart upload; and a failed upload destroys the source, so the
    // request body is not left hanging.
    let sourceError: Error | undefined;
    pipeline(source, counter, (err) => { if (err) sourceError = err; });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: counter, ContentType: 'application/octet-stream' },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return { bytes: counter.bytes };
    } catch (err) {
      counter.destroy();
      if (sourceError) throw sourceError;
      // An abort that S3 refused (or a server without AbortMultipartUpload) leaves only invisible parts,
      // which removePartial retries; the blob itself was never completed.
      this.log?.error({ err, key }, 'blob store: put failed');
      throw unavailable();
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
      throw err;
    }
  }

  async *list(): AsyncIterable<{ key: string; writtenAt: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix || undefined, ContinuationToken }));
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

/** Counts the bytes on their way to the upload (lib-storage does not report a total for a stream). */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    done(null, chunk);
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
