// Terminating a resumable upload (tus termination extension): its staged bytes and row go; nothing of
// it was ever visible. Audited, since the uploader gave up on a file in the exchange.
import { conflict } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { discardUpload, ownUpload } from './own-upload.js';
import { UploadLease } from './upload-lease.js';

export async function cancelUpload(ctx: Ctx, actor: Actor | undefined, id: string): Promise<void> {
  const row = await ownUpload(ctx, actor, id);
  // Not while a PATCH (of any instance) writes to it: the lease, as for a second PATCH.
  const lease = await UploadLease.take(ctx, row.id);
  if (!lease) throw conflict('A request is still writing to this upload; retry when it has ended');
  try {
    await discardUpload(ctx, row.id);
    await recordAudit(ctx.db, {
      tenantId: row.tenant_id, actor: row.created_by, action: 'document.upload.cancel', target: `upload:${row.id}`,
      detail: { exchange: row.exchange_id, ...(row.document_id ? { document: row.document_id } : { name: row.name }), length: row.length },
    });
  } finally {
    await lease.release();
  }
}
