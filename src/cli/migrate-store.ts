import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { openContext } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { verifyEveryTenant } from '../domain/audit/verify-audit.js';
import { createBackup } from '../domain/backup/create-backup.js';
import { restoreBackup } from '../domain/backup/restore-backup.js';
import type { Ctx } from '../domain/context.js';
import { createLogger } from '../logger.js';
import { options, UsageError } from './index.js';

/**
 * `migrate-store --from DIR`: the embedded installation in DIR (SQLite + blob folder) into the one this
 * process is configured for (DATABASE_URL, BLOB_STORE=s3, …), which must be empty: a backup of the
 * source into a scratch folder inside DIR, restored into the target, then removed. Run it with the
 * service stopped: what the source takes in after the snapshot would not move.
 */
export async function migrateStore(target: Ctx, args: string[]): Promise<number> {
  const o = options(args, { from: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.from) throw new UsageError('migrate-store needs --from DIR (the DATA_DIR of the embedded installation)');
  const from = path.resolve(o.from);
  if (!fs.existsSync(path.join(from, 'secure-exchange.sqlite'))) throw new UsageError(`${from} holds no embedded installation (no secure-exchange.sqlite)`);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: from, BLOB_STORE: 'folder' };
  delete env.DATABASE_URL;
  const source = await openContext(loadConfig(env), createLogger('warn', pino.destination(2)));
  const scratch = fs.mkdtempSync(path.join(from, 'migrate-'));
  try {
    await createBackup(source, scratch);
    const done = await restoreBackup(target, scratch);
    const intact = (await verifyEveryTenant(target.db)).every((v) => v.intact);
    if (o.json) console.log(JSON.stringify({ ...done, auditIntact: intact }));
    else console.log(`Moved ${done.rows} rows in ${done.tables} tables and ${done.blobs} blobs; audit chains ${intact ? 'intact' : 'BROKEN'}. Point the service at the new store; ${from} can be kept as a backup.`);
    return intact ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    await source.db.destroy();
  }
}

/** Source and target must share one master key, so it must be given, not taken from a folder. */
export function assertSharedMasterKey(masterKey: string | undefined) {
  if (!masterKey) throw new UsageError('migrate-store needs SECURE_EXCHANGE_MASTER_KEY set to the embedded installation\'s key (the content of its DATA_DIR/master.key): the new store is opened with the same key');
}
