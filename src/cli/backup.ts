import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { verifyEveryTenant } from '../domain/audit/verify-audit.js';
import { createBackup } from '../domain/backup/create-backup.js';
import { restoreBackup } from '../domain/backup/restore-backup.js';
import type { Ctx } from '../domain/context.js';
import { options, UsageError } from './index.js';

/** `backup --out DIR`: while the service runs; the master key is not part of it (keep it apart). */
export async function backup(ctx: Ctx, args: string[]) {
  const o = options(args, { out: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.out) throw new UsageError('backup needs --out DIR (a new or empty folder)');
  const m = await createBackup(ctx, path.resolve(o.out));
  const rows = m.tables.reduce((n, t) => n + t.rows, 0);
  const bytes = m.blobs.reduce((n, b) => n + b.bytes, 0);
  if (o.json) return console.log(JSON.stringify({ out: path.resolve(o.out), tables: m.tables.length, rows, blobs: m.blobs.length, blobBytes: bytes }));
  console.log(`Backup written to ${path.resolve(o.out)}: ${rows} rows in ${m.tables.length} tables, ${m.blobs.length} blobs (${bytes} bytes).`);
  console.log('It does not hold the master key: restoring needs the same SECURE_EXCHANGE_MASTER_KEY (or master.key).');
}

/** `restore --from DIR` into an empty installation, then the audit chains are verified. */
export async function restore(ctx: Ctx, args: string[]): Promise<number> {
  const o = options(args, { from: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.from) throw new UsageError('restore needs --from DIR (a folder written by backup)');
  const done = await restoreBackup(ctx, path.resolve(o.from));
  const verdicts = await verifyEveryTenant(ctx.db);
  const intact = verdicts.every((v) => v.intact);
  if (o.json) console.log(JSON.stringify({ ...done, auditIntact: intact, tenants: verdicts }));
  else console.log(`Restored ${done.rows} rows in ${done.tables} tables and ${done.blobs} blobs; audit chains ${intact ? 'intact' : 'BROKEN'} (${verdicts.length} tenants).`);
  return intact ? 0 : 1;
}

/**
 * A restore must run on the installation's own master key. Without SECURE_EXCHANGE_MASTER_KEY and
 * without DATA_DIR/master.key the service would make a new key, which cannot open the backup.
 */
export function assertMasterKeyGiven(config: Config) {
  if (config.masterKey || fs.existsSync(path.join(config.dataDir, 'master.key'))) return;
  throw new UsageError('restore needs the master key of the installation that was backed up: set SECURE_EXCHANGE_MASTER_KEY or put its master.key into DATA_DIR');
}
