// The one place a stored upload becomes visible: a new document (version 1) or a new version of an
// existing one, with its audit entry, in one transaction. Every upload path (one-shot multipart,
// resumable tus) seals its bytes into the blob store first and then calls this; if the commit fails,
// the blob is removed, so a failed upload never leaves a document or a referenced blob behind.
import { notFound } from '../../errors.js';
import type { Transaction } from 'kysely';
import { isPostgres, nowIso, type Database } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import type { ExchangeRow } from '../exchanges/exchange-access.js';
import { isUuid } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import type { DocumentView } from './document-view.js';

/** An upload already sealed and durably stored under `blobKey`. */
export interface SealedUpload {
  /** The new version's id; its key is wrapped with associated data `document:<versionId>`. */
  versionId: string;
  blobKey: string;
  wrappedKey: string;
  segmentSize: number;
  size: number;
  sha256: string;
  contentType: string;
}

/** Either a new document (with its name) or a new version of `documentId`. */
export type UploadTarget = { kind: 'new'; name: string } | { kind: 'version'; documentId: string };

/** Only sane MIME types are kept; anything else is stored as opaque bytes. */
export const cleanContentType = (raw: string | undefined): string =>
  /^[\w.+-]+\/[\w.+-]+$/.test(raw ?? '') && (raw ?? '').length <= 127 ? raw!.toLowerCase() : 'application/octet-stream';

/** The live document `documentId` of an exchange, or 404 (missing, deleted, foreign and guessed alike). */
export async function liveDocument(ctx: Ctx, tenantId: string, exchangeId: string, documentId: string) {
  if (!isUuid(documentId)) throw notFound('Document not found');
  const d = await ctx.db.selectFrom('documents').selectAll().where('tenant_id', '=', tenantId)
    .where('exchange_id', '=', exchangeId).where('id', '=', documentId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!d) throw notFound('Document not found');
  return d;
}

/**
 * `alongside` runs first in the same transaction (a resumable upload removes its own row there, so a
 * crash can never leave both a committed document and an upload that would commit it again).
 */
export async function commitVersion(
  ctx: Ctx, actor: Actor, exchange: ExchangeRow, target: UploadTarget, sealed: SealedUpload,
  alongside?: (trx: Transaction<Database>) => Promise<void>,
): Promise<DocumentView> {
  const by = principalOf(actor);
  const now = nowIso();
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await alongside?.(trx);
      let documentId: string;
      let number: number;
      let doc;
      if (target.kind === 'new') {
        // A new document's first version shares its id.
        documentId = sealed.versionId;
        number = 1;
        doc = {
          id: documentId, tenant_id: actor.tenantId, exchange_id: exchange.id, name: target.name, current_version_id: sealed.versionId,
          version_count: 1, created_by: by, created_at: now, updated_at: now, deleted_at: null, deleted_by: null,
        };
        await trx.insertInto('documents').values(doc).execute();
      } else {
        // Read inside the write transaction: a delete or another version committed meanwhile is seen.
        // On PostgreSQL the row is locked too, so two new versions of one document (on two instances)
        // take numbers one after the other instead of both taking the same one.
        const current = await trx.selectFrom('documents').selectAll().where('tenant_id', '=', actor.tenantId)
          .where('exchange_id', '=', exchange.id).where('id', '=', target.documentId).where('deleted_at', 'is', null)
          .$if(isPostgres(trx), (q) => q.forNoKeyUpdate()).executeTakeFirst();
        if (!current) throw notFound('Document not found');
        documentId = current.id;
        number = current.version_count + 1;
        doc = { ...current, current_version_id: sealed.versionId, version_count: number, updated_at: now };
        await trx.updateTable('documents').set({ current_version_id: sealed.versionId, version_count: number, updated_at: now })
          .where('id', '=', documentId).execute();
      }
      await trx.insertInto('document_versions').values({
        id: sealed.versionId, tenant_id: actor.tenantId, document_id: documentId, number, content_type: sealed.contentType,
        size: sealed.size, sha256: sealed.sha256, blob_key: sealed.blobKey, wrapped_key: sealed.wrappedKey,
        segment_size: sealed.segmentSize, uploaded_by: by, created_at: now,
      }).execute();
      await recordAudit(trx, {
        tenantId: actor.tenantId, actor: by, action: number === 1 ? 'document.upload' : 'document.version',
        target: `document:${documentId}`, detail: { exchange: exchange.id, version: number, size: sealed.size, sha256: sealed.sha256 },
      });
      return {
        id: documentId, name: doc.name, size: sealed.size, sha256: sealed.sha256, contentType: sealed.contentType, version: number,
        versionCount: number, uploadedBy: by, createdAt: doc.created_at, updatedAt: now,
      };
    });
  } catch (err) {
    // A resumable upload's blob key is fixed at its creation: a request that lost the upload's lease can
    // fail here after the next holder committed that very blob, which must stay. If that cannot be told
    // (the database failed too), the blob is left to the collector, which removes it once nothing refers to it.
    const committed = await ctx.db.selectFrom('document_versions').select('id').where('blob_key', '=', sealed.blobKey)
      .executeTakeFirst().catch(() => ({ id: 'unknown' }));
    if (!committed) await ctx.blobs.delete(sealed.blobKey);
    throw err;
  }
}
