// Housekeeping that runs in the server process: at start, then hourly.
import type { Ctx } from './domain/context.js';
import { pruneProvisioningLog } from './domain/provisioning/provisioning-log.js';

export function startJobs(ctx: Ctx): () => void {
  const run = async () => {
    try {
      const removed = await pruneProvisioningLog(ctx);
      if (removed) ctx.log.info({ removed }, 'provisioning log entries past retention removed');
    } catch (err) {
      ctx.log.error({ err }, 'housekeeping failed');
    }
  };
  void run();
  const timer = setInterval(() => void run(), 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}
