// Housekeeping for resumable uploads: expired uploads (no PATCH for UPLOAD_EXPIRY_HOURS) and staging
// whose row is gone (a crash between removing the row and the staging, a deleted tenant) are removed.
// An upload with a request running on any instance (its lease held) is left for the next run.
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { discardUpload } from './own-upload.js';
import { UploadLease } from './upload-lease.js';

/** The number of uploads and stray staging files or objects removed. */
export async function pruneStaleUploads(ctx: Ctx): Promise<number> {
  let removed = 0;
  const expired = await ctx.db.selectFrom('uploads').select('id').where('expires_at', '<=', nowIso()).execute();
  for (const { id } of expired) {
    // Taken like a PATCH would: a PATCH starting now is refused, one running keeps the upload.
    const lease = await UploadLease.take(ctx, id);
    if (!lease) continue;
    await discardUpload(ctx, id);
    removed++;
  }
  removed += await ctx.staging.sweep(async (ids) =>
    new Set(ids.length ? (await ctx.db.selectFrom('uploads').select('id').where('id', 'in', ids).execute()).map((r) => r.id) : []));
  return removed;
}
