import fs from 'node:fs/promises';
import type { Ctx } from '../domain/context.js';
import { fetchMetadata, importIdpMetadata } from '../domain/idp/import-idp-metadata.js';
import { invalid } from '../errors.js';
import { options, UsageError } from './index.js';

export async function idpImport(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, metadata: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant || !o.metadata) throw new UsageError('--tenant and --metadata are required');
  let xml: string;
  if (/^https?:\/\//i.test(o.metadata)) {
    xml = await fetchMetadata(o.metadata);
  } else {
    try {
      xml = await fs.readFile(o.metadata, 'utf8');
    } catch (err) {
      throw invalid(`Cannot read ${o.metadata}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const md = await importIdpMetadata(ctx, o.tenant, xml, o.metadata);
  if (o.json) {
    console.log(JSON.stringify({ tenantId: o.tenant, entityId: md.entityId, ssoUrl: md.ssoUrl, certificates: md.certificates.length }));
    return;
  }
  console.log(`IdP stored for tenant ${o.tenant}:\n  entity ID: ${md.entityId}\n  SSO URL:   ${md.ssoUrl}\n  signing certificates: ${md.certificates.length}`);
}
