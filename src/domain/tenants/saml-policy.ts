import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

export interface SamlPolicy { allowIdpInitiated: boolean; allowSha1: boolean }

/** Changes what a tenant's ACS accepts; fields left undefined keep their value. */
export async function updateSamlPolicy(ctx: Ctx, tenantId: string, actor: string, change: Partial<SamlPolicy>): Promise<SamlPolicy> {
  return ctx.db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('tenants').select(['allow_idp_initiated', 'allow_sha1']).where('id', '=', tenantId).executeTakeFirst();
    if (!t) throw notFound(`No tenant "${tenantId}"`);
    const next = {
      allowIdpInitiated: change.allowIdpInitiated ?? t.allow_idp_initiated === 1,
      allowSha1: change.allowSha1 ?? t.allow_sha1 === 1,
    };
    await trx.updateTable('tenants').set({ allow_idp_initiated: next.allowIdpInitiated ? 1 : 0, allow_sha1: next.allowSha1 ? 1 : 0 })
      .where('id', '=', tenantId).execute();
    await recordAudit(trx, { tenantId, actor, action: 'tenant.saml-policy', detail: { ...next } });
    return next;
  });
}
