// `secure-exchange`: the operator's commands, on the same configuration (env vars) as the server.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createLogger } from '../logger.js';
import { openContext } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Ctx } from '../domain/context.js';
import { AppError } from '../errors.js';
import { KeyError } from '../storage/crypto/keys.js';
import { adminDemote, adminPromote, userList } from './admin.js';
import { idpImport } from './idp-import.js';
import { provisioningLog } from './provisioning-log.js';
import { auditExport, auditVerify } from './audit.js';
import { assertMasterKeyGiven, backup, restore } from './backup.js';
import { collect } from './collect.js';
import { assertSharedMasterKey, migrateStore } from './migrate-store.js';
import { tenantCreate, tenantDelete, tenantList, tenantResetPassword } from './tenant.js';
import { tenantSet } from './tenant-settings.js';
import { tokenList, tokenRevoke, tokenRotate } from './token.js';

export class UsageError extends Error {}

const USAGE = `Usage: secure-exchange <command> [options]

Commands:
  tenant create --name NAME [--id ID] [--language EN|DE|FR|IT] [--json]
      Creates a tenant and prints the four values for Entra ID plus the tenant's sign-in.
  tenant list [--json]
  tenant reset-password --tenant ID [--disable-totp] [--json]
      Prints a new random password for the tenant's sign-in (a locked-out firm); every console session ends.
  tenant delete --tenant ID [--yes] [--json]
      Removes the tenant and everything of it; refused while any exchange holds a document.
  tenant set --tenant ID [--allow-idp-initiated true|false] [--allow-sha1 true|false] [--json]
      SAML policy: unsolicited sign-ins (My Apps tile, Entra's Test button; default allowed), SHA-1 (default refused).
  idp import --tenant ID --metadata FILE_OR_URL [--json]
      Stores the tenant's IdP (entity ID, SSO URL, every signing certificate) from SAML metadata.
  token rotate --tenant ID [--old-expires-in-days N] [--json]
      Issues a new SCIM bearer token; the old ones keep working until revoked (or N days from now).
  token revoke --tenant ID (--token TOKEN_ID | --all-but-newest) [--json]
  token list --tenant ID [--json]
  user list --tenant ID [--json]
  admin promote|demote --tenant ID --user USER_ID_OR_USERNAME [--json]
      An admin provisioned by Entra may act only once promoted.
  audit verify [--tenant ID] [--json]
      Re-computes the hash chain of every tenant (or one); exit 1 with the first broken seq when one is broken.
  audit export --tenant ID --format csv|jsonl [--out FILE] [--action A] [--actor A] [--target T] [--from DATE] [--to DATE]
  provisioning-log --tenant ID [--status 404|4xx|error] [--user USER_ID] [--limit N] [--json]
      The tenant's SCIM requests, newest first, with the reason of each failure.
  collect [--grace-minutes N] [--json]
      Removes partial upload files and blobs no live document refers to, older than N minutes (default 60;
      the server does this every ten minutes). Use 0 only while no upload is running.
  backup --out DIR [--json]
      A consistent copy while the service runs (database rows, encrypted blobs, wrapped keys; never the
      master key) into a new or empty folder.
  restore --from DIR [--json]
      Into an empty installation (new DATA_DIR or database, empty blob store), on the same master key;
      then verifies every audit chain (exit 1 when one is broken).
  migrate-store --from DIR [--json]
      Moves the embedded installation in DIR (SQLite + blob folder) into the empty store this process is
      configured for (DATABASE_URL, BLOB_STORE=s3, …), with the service stopped. Needs
      SECURE_EXCHANGE_MASTER_KEY set to that installation's key.

Configuration comes from the environment, as for the server: DATA_DIR, PUBLIC_URL, PORT,
SECURE_EXCHANGE_MASTER_KEY (see README.md).`;

/** Resolves to the exit code when it is not 0 (e.g. `audit verify` on a broken chain). */
type Handler = (ctx: Ctx, args: string[]) => Promise<void | number>;
const COMMANDS: Record<string, Handler> = {
  'tenant create': tenantCreate,
  'tenant list': tenantList,
  'tenant set': tenantSet,
  'tenant reset-password': tenantResetPassword,
  'tenant delete': tenantDelete,
  'audit verify': auditVerify,
  'audit export': auditExport,
  'idp import': idpImport,
  'token rotate': tokenRotate,
  'token revoke': tokenRevoke,
  'token list': tokenList,
  'provisioning-log': provisioningLog,
  'user list': userList,
  'admin promote': adminPromote,
  'admin demote': adminDemote,
  collect,
  backup,
  restore,
  'migrate-store': migrateStore,
};

export function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  if (!argv.length || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    console.log(USAGE);
    return argv.length ? 0 : 2;
  }
  const name = Object.hasOwn(COMMANDS, argv[0]!) ? argv[0]! : argv.slice(0, 2).join(' ');
  const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) {
    console.error(`secure-exchange: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  if (name === 'restore') assertMasterKeyGiven(config);
  if (name === 'migrate-store') assertSharedMasterKey(config.masterKey);
  const ctx = await openContext(config, createLogger('warn', pino.destination(2)));
  try {
    return (await handler(ctx, argv.slice(name.split(' ').length))) ?? 0;
  } finally {
    await ctx.db.destroy();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  if (err instanceof UsageError) {
    console.error(`secure-exchange: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof AppError || err instanceof ConfigError || err instanceof KeyError) {
    console.error(`secure-exchange: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error('secure-exchange: unexpected failure:', err);
    process.exitCode = 1;
  }
});
