import type { Readable } from 'node:stream';
import { notFound } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import { DecryptStream } from '../../storage/crypto/segmented-gcm.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import { liveDocument } from './commit-version.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { visibleUploader } from './uploader-visibility.js';
import { toDocumentView, toVersionView, type DocumentView, type VersionRow, type VersionView } from './document-view.js';

/** The exchange's documents (not deleted), each with its current version. */
export async function listDocuments(ctx: Ctx, actor: Actor, exchangeId: string): Promise<DocumentView[]> {
  const { row: exchange, relation } = await exchangeFor(ctx, actor, exchangeId, 'listDocuments');
  const rows = await ctx.db.selectFrom('documents')
    .innerJoin('document_versions as v', 'v.id', 'documents.current_version_id')
    .selectAll('documents')
    .select(['v.id as v_id', 'v.number', 'v.content_type', 'v.size', 'v.sha256', 'v.uploaded_by', 'v.created_at as v_created_at'])
    .where('documents.tenant_id', '=', actor.tenantId).where('documents.exchange_id', '=', exchange.id)
    .where('documents.deleted_at', 'is', null).orderBy('documents.created_at').orderBy('documents.id').execute();
  return rows.map((r) => toDocumentView(r, {
    id: r.v_id, number: r.number, content_type: r.content_type, size: r.size, sha256: r.sha256,
    uploaded_by: visibleUploader(r.uploaded_by, actor, relation, exchange), created_at: r.v_created_at,
  } as VersionRow));
}

/**
 * The plaintext of a document's current version (or of `versionNumber`) as a stream that verifies each
 * segment before releasing it.
 */
export async function openDocument(
  ctx: Ctx, actor: Actor, exchangeId: string, documentId: string, versionNumber?: number,
): Promise<{ doc: DocumentView; stream: Readable }> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'download');
  const d = await liveDocument(ctx, actor.tenantId, exchange.id, documentId);
  const v = await ctx.db.selectFrom('document_versions').selectAll().where('document_id', '=', d.id)
    .$if(versionNumber === undefined, (q) => q.where('id', '=', d.current_version_id))
    .$if(versionNumber !== undefined, (q) => q.where('number', '=', versionNumber!))
    .executeTakeFirst();
  if (!v) throw notFound('Version not found');
  const key = unwrapKey(await tenantKey(ctx, actor.tenantId), v.wrapped_key, `document:${v.id}`);
  await recordAudit(ctx.db, { tenantId: actor.tenantId, actor: principalOf(actor), action: 'document.download', target: `document:${d.id}`, detail: { exchange: exchange.id, version: v.number } });
  const source = ctx.blobs.get(v.blob_key);
  const plain = new DecryptStream(key);
  source.on('error', (e) => plain.destroy(e));
  return { doc: toDocumentView(d, v), stream: source.pipe(plain) };
}

/** One document's versions, newest first (the older ones are kept when a new version is uploaded). */
export async function listVersions(ctx: Ctx, actor: Actor, exchangeId: string, documentId: string): Promise<{ document: DocumentView; versions: VersionView[] }> {
  const { row: exchange, relation } = await exchangeFor(ctx, actor, exchangeId, 'listDocuments');
  const d = await liveDocument(ctx, actor.tenantId, exchange.id, documentId);
  const rows = await ctx.db.selectFrom('document_versions').selectAll().where('document_id', '=', d.id).orderBy('number', 'desc').execute();
  const shown = rows.map((v) => ({ ...v, uploaded_by: visibleUploader(v.uploaded_by, actor, relation, exchange) }));
  const current = shown.find((v) => v.id === d.current_version_id)!;
  return { document: toDocumentView(d, current), versions: shown.map(toVersionView) };
}
