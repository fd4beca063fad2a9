// Streams an upload through SHA-256 (of the plaintext), a size limit and segmented AES-256-GCM into the
// blob store; the document row is written only after the blob is durably stored, so a broken upload
// leaves no visible document (and the blob store removes its partial file).
import crypto from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { AppError, invalid } from '../../errors.js';
import { newKey, wrapKey } from '../../storage/crypto/keys.js';
import { DEFAULT_SEGMENT_SIZE, EncryptStream } from '../../storage/crypto/segmented-gcm.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { DocumentView } from './document-view.js';

export function cleanFileName(raw: string | undefined): string {
  // Kept as given for display (never used as a path); control characters and direction overrides go.
  const name = (raw ?? '').normalize('NFC').replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (!name) throw invalid('The file needs a name');
  if (name.length > 255) throw invalid('The file name must be at most 255 characters');
  return name;
}

/** Errors of the client's byte stream (busboy's, or the connection's), as opposed to failures of ours. */
function isClientStreamError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted|terminated early|Unexpected end|Malformed/i.test(e?.message ?? '');
}

class Meter extends Transform {
  bytes = 0;
  private readonly hash = crypto.createHash('sha256');
  constructor(private readonly limit: number) { super(); }
  override _transform(chunk: Buffer, _e: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new AppError('too_large', `The file is larger than the limit of ${this.limit} bytes`));
    this.hash.update(chunk);
    done(null, chunk);
  }
  digest() { return this.hash.digest('hex'); }
}

export async function uploadDocument(
  ctx: Ctx, actor: Actor, exchangeId: string,
  file: { name: string | undefined; contentType: string | undefined; stream: Readable },
): Promise<DocumentView> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'upload');
  const name = cleanFileName(file.name);
  // A new document: its first version shares its id (so the version's key context is `document:<id>`).
  const id = crypto.randomUUID();
  const blobKey = crypto.randomBytes(24).toString('base64url');
  const docKey = newKey();
  const meter = new Meter(ctx.config.maxUploadBytes);
  const sealed = new EncryptStream(docKey, DEFAULT_SEGMENT_SIZE);
  // pipeline() carries an error of any stage (a multipart body cut off, the size limit) to every other
  // stage, so the blob store sees it, removes its partial file and the upload fails cleanly.
  let sourceError: Error | undefined;
  pipeline(file.stream, meter, sealed, (err) => { sourceError = err ?? undefined; });
  try {
    await ctx.blobs.put(blobKey, sealed);
  } catch (err) {
    const cause = sourceError ?? err;
    if (cause instanceof AppError) throw cause;
    if (isClientStreamError(cause)) throw invalid('The upload was cut off or is not well-formed multipart data');
    throw err;
  }

  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType ?? '') ? file.contentType! : 'application/octet-stream';
  const by = principalOf(actor);
  const now = nowIso();
  const version = {
    id, tenant_id: actor.tenantId, document_id: id, number: 1, content_type: contentType, size: meter.bytes,
    sha256: meter.digest(), blob_key: blobKey, wrapped_key: wrapKey(await tenantKey(ctx, actor.tenantId), docKey, `document:${id}`),
    segment_size: DEFAULT_SEGMENT_SIZE, uploaded_by: by, created_at: now,
  };
  const doc = {
    id, tenant_id: actor.tenantId, exchange_id: exchange.id, name, current_version_id: id, version_count: 1,
    created_by: by, created_at: now, updated_at: now, deleted_at: null, deleted_by: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('documents').values(doc).execute();
      await trx.insertInto('document_versions').values(version).execute();
      await recordAudit(trx, { tenantId: actor.tenantId, actor: by, action: 'document.upload', target: `document:${id}`, detail: { exchange: exchange.id, version: 1, size: version.size, sha256: version.sha256 } });
    });
  } catch (err) {
    await ctx.blobs.delete(blobKey);
    throw err;
  }
  return { id, name, size: version.size, sha256: version.sha256, contentType, version: 1, versionCount: 1, uploadedBy: by, createdAt: now, updatedAt: now };
}
