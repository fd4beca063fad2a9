// Server entry point: `npm start`.
import { openContext } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './http/app.js';
import { startJobs } from './jobs.js';
import { createLogger } from './logger.js';
import { KeyError } from './storage/crypto/keys.js';
import { startSealThreads } from './storage/crypto/off-thread-seal.js';
import { checkpointOffThread } from './storage/db/checkpoints.js';
import { sqliteOf } from './storage/db/index.js';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const ctx = await openContext(config, log);
  const app = await buildApp(ctx);
  const stopJobs = startJobs(ctx);
  startSealThreads();
  const sqlite = sqliteOf(ctx.db);
  const checkpoints = sqlite ? checkpointOffThread(sqlite, log) : undefined;
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    stopJobs();
    await app.close();
    await checkpoints?.stop();
    await ctx.db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  log.info({ publicUrl: config.publicUrl, dataDir: config.dataDir }, 'SecureExchange is listening');
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof KeyError) {
    console.error(`secure-exchange: ${err.message}`);
  } else {
    console.error('secure-exchange: failed to start:', err);
  }
  process.exit(1);
});
