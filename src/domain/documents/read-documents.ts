import type { Selectable } from 'kysely';
import type { Readable } from 'node:stream';
import { notFound } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import { DecryptStream } from '../../storage/crypto/segmented-gcm.js';
import type { Database } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { findExchange } from '../exchanges/find-exchange.js';
import type { Actor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import type { DocumentView } from './upload-document.js';

type DocumentRow = Selectable<Database['documents']>;

const toView = (r: DocumentRow): DocumentView => ({
  id: r.id, name: r.name, size: Number(r.size), sha256: r.sha256, contentType: r.content_type, createdAt: r.created_at,
});

export async function listDocuments(ctx: Ctx, actor: Actor, exchangeId: string): Promise<DocumentView[]> {
  const exchange = await findExchange(ctx, actor, exchangeId);
  const rows = await ctx.db.selectFrom('documents').selectAll().where('tenant_id', '=', actor.tenantId)
    .where('exchange_id', '=', exchange.id).orderBy('created_at').execute();
  return rows.map(toView);
}

/** The plaintext as a stream that verifies each segment before releasing it. */
export async function openDocument(ctx: Ctx, actor: Actor, exchangeId: string, documentId: string): Promise<{ doc: DocumentView; stream: Readable }> {
  const exchange = await findExchange(ctx, actor, exchangeId);
  const r = await ctx.db.selectFrom('documents').selectAll().where('tenant_id', '=', actor.tenantId)
    .where('exchange_id', '=', exchange.id).where('id', '=', documentId).executeTakeFirst();
  if (!r) throw notFound('Document not found');
  const key = unwrapKey(await tenantKey(ctx, actor.tenantId), r.wrapped_key, `document:${r.id}`);
  await recordAudit(ctx.db, { tenantId: actor.tenantId, actor: `user:${actor.userId}`, action: 'document.download', target: `document:${r.id}` });
  const source = ctx.blobs.get(r.blob_key);
  const plain = new DecryptStream(key);
  source.on('error', (e) => plain.destroy(e));
  return {
    doc: toView(r),
    stream: source.pipe(plain),
  };
}
