import { invalid, notFound } from '../../errors.js';
import { MAX_METADATA_BYTES, parseIdpMetadata, type IdpMetadata } from '../../saml/metadata.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

/** Fetches metadata from a URL (Entra's App Federation Metadata URL), bounded in time and size. */
export async function fetchMetadata(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'follow' });
  } catch (err) {
    throw invalid(`Could not fetch ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw invalid(`Fetching ${url} answered HTTP ${res.status}`);
  const body = await res.text();
  if (body.length > MAX_METADATA_BYTES) throw invalid('The metadata is larger than 1 MiB');
  return body;
}

/** Stores a tenant's IdP from metadata XML; `source` records where it came from (a file name or the URL). */
export async function importIdpMetadata(ctx: Ctx, tenantId: string, xml: string, source: string): Promise<IdpMetadata> {
  const md = parseIdpMetadata(xml);
  await ctx.db.transaction().execute(async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
    if (!tenant) throw notFound(`No tenant "${tenantId}"`);
    const row = { entity_id: md.entityId, sso_url: md.ssoUrl, certificates: JSON.stringify(md.certificates), source, updated_at: nowIso() };
    await trx.insertInto('idp_configs').values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row)).execute();
    await recordAudit(trx, { tenantId, actor: 'operator', action: 'idp.import', detail: { entityId: md.entityId, certificates: md.certificates.length, source } });
  });
  return md;
}

export async function getIdp(ctx: Ctx, tenantId: string): Promise<IdpMetadata | undefined> {
  const row = await ctx.db.selectFrom('idp_configs').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row && { entityId: row.entity_id, ssoUrl: row.sso_url, certificates: JSON.parse(row.certificates) as string[] };
}
