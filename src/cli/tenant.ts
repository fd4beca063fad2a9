import type { Ctx } from '../domain/context.js';
import { resetTenantPassword } from '../domain/tenants/change-password.js';
import { createTenant } from '../domain/tenants/create-tenant.js';
import { deleteTenant, tenantContents } from '../domain/tenants/delete-tenant.js';
import { AppError } from '../errors.js';
import { options, UsageError } from './index.js';

export async function tenantCreate(ctx: Ctx, args: string[]) {
  const o = options(args, { name: { type: 'string' }, id: { type: 'string' }, language: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.name) throw new UsageError('--name is required');
  const t = await createTenant(ctx, { name: o.name, id: o.id, language: o.language });
  if (o.json) {
    // Exactly one JSON object with these keys (DESIGN.md, "The four values").
    console.log(JSON.stringify({ tenantId: t.tenantId, scimUrl: t.scimUrl, samlUrl: t.samlUrl, bearerToken: t.bearerToken, username: t.username, password: t.password }));
    return;
  }
  console.log(`Tenant "${o.name}" created. Hand these four values to the firm's IT for Entra ID (see the integration guide):

  Tenant URL (SCIM endpoint):       ${t.scimUrl}
  Secret Token (bearer token):      ${t.bearerToken}
  Reply URL (SAML ACS):             ${t.samlUrl}
  Identifier (Entity ID, tenantId): ${t.tenantId}

The tenant's own sign-in, for the firm's super user only (not for Entra; tenants never sign in by SAML):
  username: ${t.username}
  password: ${t.password}

The token and the password are shown only now; SecureExchange keeps only their hashes.`);
}

export async function tenantList(ctx: Ctx, args: string[]) {
  const o = options(args, { json: { type: 'boolean' } });
  const rows = await ctx.db.selectFrom('tenants').select(['id', 'name', 'default_language', 'created_at']).orderBy('created_at').execute();
  if (o.json) {
    console.log(JSON.stringify(rows.map((r) => ({ tenantId: r.id, name: r.name, language: r.default_language, createdAt: r.created_at }))));
    return;
  }
  if (!rows.length) {
    // Which database was read, never the URL itself (it may hold a password).
    console.error(ctx.config.databaseUrl
      ? 'No tenants in the PostgreSQL database of DATABASE_URL.'
      : `No tenants in ${ctx.config.dataDir} (DATA_DIR; a relative one is read from the current folder).`);
    return;
  }
  console.log('TENANT ID\tNAME\tLANGUAGE\tCREATED');
  for (const r of rows) console.log(`${r.id}\t${r.name}\t${r.default_language}\t${r.created_at}`);
}

export async function tenantResetPassword(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, 'disable-totp': { type: 'boolean' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const r = await resetTenantPassword(ctx, o.tenant, { disableTotp: o['disable-totp'] });
  if (o.json) return console.log(JSON.stringify(r));
  console.log(`New password for the tenant "${r.tenantId}" (shown only now; every console session has ended, the lock is lifted):

  username: ${r.username}
  password: ${r.password}
${r.totpEnabled ? '\nTOTP stays on: the sign-in still needs a code (--disable-totp turns it off when the authenticator is lost).\n' : ''}`);
}

export async function tenantDelete(ctx: Ctx, args: string[]): Promise<number> {
  const o = options(args, { tenant: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const c = await tenantContents(ctx, o.tenant);
  if (c.documents) {
    throw new AppError('conflict', `Tenant "${o.tenant}" still holds ${c.documents} document(s); it cannot be deleted until they are deleted in their exchanges.`);
  }
  if (!o.yes) {
    console.error(`This deletes the tenant "${o.tenant}" for good: ${c.users} user(s), ${c.exchanges} exchange(s) (none holds a document), ${c.clients} client(s) and its ${c.auditEntries} audit entries.
Export the audit log first if it must be kept (secure-exchange audit export --tenant ${o.tenant} --format jsonl --out FILE), then run again with --yes.`);
    return 1;
  }
  const r = await deleteTenant(ctx, o.tenant);
  if (o.json) console.log(JSON.stringify({ tenantId: r.tenantId, deleted: true, rows: r.rows }));
  else console.log(`Tenant "${r.tenantId}" deleted (${r.rows} rows).`);
  return 0;
}
