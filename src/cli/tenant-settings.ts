import type { Ctx } from '../domain/context.js';
import { updateSamlPolicy } from '../domain/tenants/saml-policy.js';
import { options, UsageError } from './index.js';

function flag(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new UsageError(`--${name} takes true or false`);
}

export async function tenantSet(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, 'allow-idp-initiated': { type: 'string' }, 'allow-sha1': { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const policy = await updateSamlPolicy(ctx, o.tenant, 'operator', {
    allowIdpInitiated: flag(o['allow-idp-initiated'], 'allow-idp-initiated'),
    allowSha1: flag(o['allow-sha1'], 'allow-sha1'),
  });
  if (o.json) return console.log(JSON.stringify({ tenantId: o.tenant, ...policy }));
  console.log(`Tenant ${o.tenant}: IdP-initiated sign-in ${policy.allowIdpInitiated ? 'allowed' : 'refused'}, SHA-1 signatures ${policy.allowSha1 ? 'allowed' : 'refused'}.`);
}
