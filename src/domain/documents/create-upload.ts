// Creating a resumable upload (tus creation extension): who may upload and into what is decided now,
// as for a one-shot upload, and again when the last byte arrives (complete-upload.ts). The version's
// key is made and wrapped now, because every staged segment is sealed under it from the first byte on.
import crypto from 'node:crypto';
import { DEFAULT_SEGMENT_SIZE, newHeader } from '../../storage/crypto/segmented-gcm.js';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { cleanContentType, liveDocument } from './commit-version.js';
import { completeUpload } from './complete-upload.js';
import type { DocumentView } from './document-view.js';
import { discardUpload, expiryFrom, ownUpload } from './own-upload.js';
import { cleanFileName, newVersionKeys } from './upload-document.js';

export interface NewUpload {
  length: number;
  /** Upload-Metadata: `filename` (a new document), `documentId` (a new version of it), `filetype`. */
  metadata: Map<string, string>;
}

export interface CreatedUpload {
  id: string;
  expiresAt: string;
  /** Set when the upload was complete at once (Upload-Length 0). */
  document?: DocumentView;
}

export async function createUpload(ctx: Ctx, actor: Actor, exchangeId: string, req: NewUpload): Promise<CreatedUpload> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'upload');
  const documentId = req.metadata.get('documentId');
  // Checked before any byte is sent (fail fast) and again when committing (it may be deleted meanwhile).
  const doc = documentId === undefined ? undefined : await liveDocument(ctx, actor.tenantId, exchange.id, documentId);
  const name = doc ? null : cleanFileName(req.metadata.get('filename'));
  const keys = await newVersionKeys(ctx, actor.tenantId);
  const id = crypto.randomUUID();
  const now = nowIso();
  const expiresAt = expiryFrom(ctx);
  const header = newHeader(DEFAULT_SEGMENT_SIZE);
  await ctx.db.insertInto('uploads').values({
    id, tenant_id: actor.tenantId, exchange_id: exchange.id, created_by: principalOf(actor),
    target: doc ? 'version' : 'new', document_id: doc?.id ?? null, name,
    content_type: cleanContentType(req.metadata.get('filetype')), length: req.length, segment_size: DEFAULT_SEGMENT_SIZE,
    version_id: keys.versionId, blob_key: keys.blobKey, wrapped_key: keys.wrappedKey, created_at: now, updated_at: now, expires_at: expiresAt,
    // In the row as well: bucket staging has no file to keep it in, and every instance reads the row.
    staging_header: header.toString('base64'),
  }).execute();
  try {
    await ctx.staging.create(id, header);
  } catch (err) {
    await discardUpload(ctx, id);
    throw err;
  }
  if (req.length > 0) return { id, expiresAt };
  // Nothing to wait for: the one (empty, last) segment is sealed and committed now.
  // Nobody else knows the id yet, so no lease is needed.
  const row = await ownUpload(ctx, actor, id);
  return { id, expiresAt, document: await completeUpload(ctx, actor, row, Buffer.alloc(0), undefined, undefined) };
}
