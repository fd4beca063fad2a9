import fs from 'node:fs/promises';
import type { Ctx } from '../domain/context.js';
import { fetchMetadata, importIdpMetadata } from '../domain/idp/import-idp-metadata.js';
import { requireTenant } from '../domain/tenants/require-tenant.js';
import { invalid } from '../errors.js';
import { options, UsageError } from './index.js';

export async function idpImport(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, metadata: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant || !o.metadata) throw new UsageError('--tenant and --metadata are required');
  await requireTenant(ctx.db, o.tenant);
  let xml: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(o.metadata)) {
    if (!/^https?:\/\//i.test(o.metadata)) throw invalid(`--metadata must be a file or an http(s) URL, not ${o.metadata}`);
    xml = await fetchMetadata(o.metadata);
  } else {
    try {
      xml = await fs.readFile(o.metadata, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
      throw invalid(`Cannot read ${o.metadata}: ${why}`);
    }
  }
  const fromUrl = /^https?:\/\//i.test(o.metadata);
  const md = await importIdpMetadata(ctx, o.tenant, xml, o.metadata, fromUrl ? { url: o.metadata } : {});
  if (o.json) {
    console.log(JSON.stringify({ tenantId: o.tenant, entityId: md.entityId, ssoUrl: md.ssoUrl, certificates: md.certificates.length }));
    return;
  }
  console.log(`IdP stored for tenant ${o.tenant}:\n  entity ID: ${md.entityId}\n  SSO URL:   ${md.ssoUrl}\n  signing certificates: ${md.certificates.length}${fromUrl ? '\n  refreshed from the URL about every 12 hours' : ''}`);
}
