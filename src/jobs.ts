// Housekeeping that runs in the server process: at start, then every ten minutes; with several
// instances on one PostgreSQL database, on one of them at a time (runExclusively).
import type { Ctx } from './domain/context.js';
import { collectBlobs } from './domain/documents/collect-blobs.js';
import { pruneStaleUploads } from './domain/documents/prune-stale-uploads.js';
import { refreshDueMetadata } from './domain/idp/refresh-idp-metadata.js';
import { pruneProvisioningLog } from './domain/provisioning/provisioning-log.js';
import { pruneExpired } from './domain/sessions/prune-expired.js';
import { runExclusively } from './storage/db/exclusive.js';

export function startJobs(ctx: Ctx): () => void {
  const run = async () => {
    try {
      const ran = await runExclusively(ctx.db, 'housekeeping', housekeeping);
      if (!ran) ctx.log.debug('housekeeping is running on another instance');
    } catch (err) {
      ctx.log.error({ err }, 'housekeeping failed');
    }
  };
  const housekeeping = async () => {
    const removed = await pruneProvisioningLog(ctx);
    if (removed) ctx.log.info({ removed }, 'provisioning log entries past retention removed');
    const expired = await pruneExpired(ctx);
    if (expired) ctx.log.info({ removed: expired }, 'expired sign-in state removed');
    const metadata = await refreshDueMetadata(ctx);
    if (metadata.refreshed || metadata.failed) ctx.log.info(metadata, 'IdP metadata refreshed');
    // An hour's grace: an upload between its blob write and its commit is never taken for an orphan.
    await collectBlobs(ctx, 3_600_000);
    const uploads = await pruneStaleUploads(ctx);
    if (uploads) ctx.log.info({ removed: uploads }, 'expired resumable uploads removed');
  };
  void run();
  const timer = setInterval(() => void run(), 600_000);
  timer.unref();
  return () => clearInterval(timer);
}
