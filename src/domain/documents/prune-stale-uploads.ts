// Housekeeping for resumable uploads: expired uploads (no PATCH for UPLOAD_EXPIRY_HOURS) and staging
// files whose row is gone (a crash between removing the row and the file, a deleted tenant) are removed.
// An upload with a request running in this process is left for the next run.
import { nowIso } from '../../storage/db/index.js';
import { listStaging, removeStaging } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import { discardUpload } from './own-upload.js';
import { isUploadBusy } from './upload-registry.js';

/** The number of uploads and stray staging files removed. */
export async function pruneStaleUploads(ctx: Ctx): Promise<number> {
  let removed = 0;
  const expired = await ctx.db.selectFrom('uploads').select('id').where('expires_at', '<=', nowIso()).execute();
  for (const { id } of expired) {
    if (isUploadBusy(id)) continue;
    await discardUpload(ctx, id);
    removed++;
  }
  // A row is always written before its staging file (create-upload.ts), so a file without a row is garbage.
  const files = await listStaging(ctx.config.uploadDir);
  for (let i = 0; i < files.length; i += 500) {
    const batch = files.slice(i, i + 500);
    const known = new Set((await ctx.db.selectFrom('uploads').select('id').where('id', 'in', batch).execute()).map((r) => r.id));
    for (const id of batch) {
      if (known.has(id) || isUploadBusy(id)) continue;
      await removeStaging(ctx.config.uploadDir, id);
      removed++;
    }
  }
  return removed;
}
