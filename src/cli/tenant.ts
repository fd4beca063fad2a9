import type { Ctx } from '../domain/context.js';
import { createTenant } from '../domain/tenants/create-tenant.js';
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
    console.error(`No tenants in ${ctx.config.dataDir} (DATA_DIR; a relative one is read from the current folder).`);
    return;
  }
  console.log('TENANT ID\tNAME\tLANGUAGE\tCREATED');
  for (const r of rows) console.log(`${r.id}\t${r.name}\t${r.default_language}\t${r.created_at}`);
}
