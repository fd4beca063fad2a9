// One-shot upload: streams the body through SHA-256 (of the plaintext), a size limit and segmented
// AES-256-GCM into the blob store; the document (or version) row is written only after the blob is
// durably stored, so a broken upload leaves no visible document (and the blob store removes its
// partial file).
import crypto from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { AppError, invalid } from '../../errors.js';
import { newKey, wrapKey } from '../../storage/crypto/keys.js';
import { DEFAULT_SEGMENT_SIZE } from '../../storage/crypto/segmented-gcm.js';
import { SealStream } from '../../storage/crypto/off-thread-seal.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { cleanContentType, commitVersion, liveDocument, type SealedUpload } from './commit-version.js';
import type { DocumentView } from './document-view.js';

export function cleanFileName(raw: string | undefined): string {
  // Kept as given for display (never used as a path); control characters and direction overrides go.
  if (raw !== undefined && !raw.isWellFormed()) throw invalid('The file name is not valid Unicode');
  // C0 and C1 controls (U+009B is a terminal escape) and bidirectional overrides and isolates.
  const name = (raw ?? '').normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (!name) throw invalid('The file needs a name');
  if (Buffer.byteLength(name) > 255) throw invalid('The file name must be at most 255 bytes (UTF-8)');
  return name;
}

/** Errors of the client's byte stream (busboy's, or the connection's), as opposed to failures of ours. */
export function isClientStreamError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted|terminated early|Unexpected end|Malformed/i.test(e?.message ?? '');
}

/** Counts the plaintext on its way through, refusing more than `limit` bytes. */
export class Meter extends Transform {
  bytes = 0;
  // 1 MiB between stages (not 16 KiB): the socket, the seal thread and the disk each move in large steps.
  constructor(private readonly limit: number) { super({ highWaterMark: 1024 * 1024 }); }
  override _transform(chunk: Buffer, _e: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new AppError('too_large', `The file is larger than the limit of ${this.limit} bytes`));
    done(null, chunk);
  }
}

/** A fresh version id, blob key and document key, the key wrapped by the tenant key for that version. */
export async function newVersionKeys(ctx: Ctx, tenantId: string) {
  const versionId = crypto.randomUUID();
  const key = newKey();
  return {
    versionId, key, blobKey: crypto.randomBytes(24).toString('base64url'),
    wrappedKey: wrapKey(await tenantKey(ctx, tenantId), key, `document:${versionId}`),
  };
}

/** Seals `source` into the blob store under fresh keys. */
async function sealStream(ctx: Ctx, tenantId: string, source: Readable, contentType: string | undefined): Promise<SealedUpload> {
  const keys = await newVersionKeys(ctx, tenantId);
  const meter = new Meter(ctx.config.maxUploadBytes);
  // Hashed and encrypted on a seal thread; the event loop only moves the bytes.
  const sealed = new SealStream(keys.key, DEFAULT_SEGMENT_SIZE);
  // pipeline() carries an error of any stage (a multipart body cut off, the size limit, a failed seal
  // thread) to every other stage, so the blob store sees it, removes its partial file and the upload
  // fails cleanly.
  let sourceError: Error | undefined;
  pipeline(source, meter, sealed, (err) => { sourceError = err ?? undefined; });
  try {
    await ctx.blobs.put(keys.blobKey, sealed);
  } catch (err) {
    const cause = sourceError ?? err;
    if (cause instanceof AppError) throw cause;
    if (isClientStreamError(cause)) throw invalid('The upload was cut off or is not well-formed multipart data');
    ctx.log.error({ err: cause }, 'upload failed');
    throw new AppError('unavailable', 'The upload could not be completed; please send it again');
  }
  const sha256 = sealed.sha256;
  return {
    versionId: keys.versionId, blobKey: keys.blobKey, wrappedKey: keys.wrappedKey, segmentSize: DEFAULT_SEGMENT_SIZE,
    size: meter.bytes, sha256, contentType: cleanContentType(contentType),
  };
}

/** A new document in the exchange. */
export async function uploadDocument(
  ctx: Ctx, actor: Actor, exchangeId: string,
  file: { name: string | undefined; contentType: string | undefined; stream: Readable },
): Promise<DocumentView> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'upload');
  const name = cleanFileName(file.name);
  const sealed = await sealStream(ctx, actor.tenantId, file.stream, file.contentType);
  return commitVersion(ctx, actor, exchange, { kind: 'new', name }, sealed);
}

/** A new version of an existing document; the older versions are kept. */
export async function uploadVersion(
  ctx: Ctx, actor: Actor, exchangeId: string, documentId: string,
  file: { contentType: string | undefined; stream: Readable },
): Promise<DocumentView> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'upload');
  // Checked before the bytes are read (fail fast) and again when committing (it may be deleted meanwhile).
  await liveDocument(ctx, actor.tenantId, exchange.id, documentId);
  const sealed = await sealStream(ctx, actor.tenantId, file.stream, file.contentType);
  return commitVersion(ctx, actor, exchange, { kind: 'version', documentId }, sealed);
}
