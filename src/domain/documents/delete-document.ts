// Deleting a document hides it and every version at once (one transaction with its audit entry);
// the row stays so the audit trail's targets keep a name. The blobs are removed right after the commit;
// one whose removal fails (or a crash in between) is no longer referenced and the collector removes it.
// While a backup runs the blobs stay for the collector too (blob-hold.ts): its snapshot may still hold
// the document. The version rows keep their wrapped keys, but the document is gone from every view.
import { notFound } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { blobRemovalHeld } from '../backup/blob-hold.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { liveDocument } from './commit-version.js';

export async function deleteDocument(ctx: Ctx, actor: Actor, exchangeId: string, documentId: string): Promise<void> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'deleteDocument');
  const doc = await liveDocument(ctx, actor.tenantId, exchange.id, documentId);
  const by = principalOf(actor);
  const blobKeys = await ctx.db.transaction().execute(async (trx) => {
    const done = await trx.updateTable('documents').set({ deleted_at: nowIso(), deleted_by: by })
      .where('id', '=', doc.id).where('deleted_at', 'is', null).executeTakeFirst();
    // Deleted by someone else meanwhile: the same answer as for any missing document.
    if (Number(done.numUpdatedRows) !== 1) return null;
    await recordAudit(trx, { tenantId: actor.tenantId, actor: by, action: 'document.delete', target: `document:${doc.id}`, detail: { exchange: exchange.id, name: doc.name, versions: doc.version_count } });
    return (await trx.selectFrom('document_versions').select('blob_key').where('document_id', '=', doc.id).execute()).map((r) => r.blob_key);
  });
  if (!blobKeys) throw notFound('Document not found');
  if (await blobRemovalHeld(ctx)) return;
  for (const key of blobKeys) {
    try { await ctx.blobs.delete(key); } catch (err) { ctx.log.warn({ err, document: doc.id }, 'blob of a deleted document left for the collector'); }
  }
}
