import type { Ctx } from '../domain/context.js';
import { listTokens, revokeTokens, rotateToken } from '../domain/tenants/scim-tokens.js';
import { options, UsageError } from './index.js';

export async function tokenRotate(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, 'old-expires-in-days': { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const days = o['old-expires-in-days'];
  // Digits only: Number('') is 0, and an unset shell variable must not expire every old token at once.
  if (days !== undefined && !/^\d{1,3}$/.test(days)) throw new UsageError('--old-expires-in-days must be a whole number from 0 to 365');
  const t = await rotateToken(ctx, o.tenant, days === undefined ? undefined : Number(days));
  if (o.json) return console.log(JSON.stringify({ tenantId: o.tenant, tokenId: t.id, bearerToken: t.token }));
  console.log(`New Secret Token for ${o.tenant} (shown only now; token id ${t.id}):\n\n  ${t.token}\n
Enter it in Entra (Provisioning → Admin Credentials → Secret Token), click Test Connection, then
revoke the old one: secure-exchange token revoke --tenant ${o.tenant} --all-but-newest`);
}

export async function tokenRevoke(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, token: { type: 'string' }, 'all-but-newest': { type: 'boolean' }, json: { type: 'boolean' } });
  if (!o.tenant || (!o.token === !o['all-but-newest'])) throw new UsageError('--tenant and either --token ID or --all-but-newest are required');
  const n = await revokeTokens(ctx, o.tenant, o.token ? { id: o.token } : 'all-but-newest');
  if (o.json) return console.log(JSON.stringify({ tenantId: o.tenant, revoked: n }));
  console.log(`${n} token(s) revoked for ${o.tenant}.`);
}

export async function tokenList(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const tokens = await listTokens(ctx, o.tenant);
  if (o.json) return console.log(JSON.stringify(tokens));
  console.log('TOKEN ID\tCREATED\tLAST USED\tEXPIRES\tREVOKED');
  for (const t of tokens) console.log([t.id, t.createdAt, t.lastUsedAt ?? '-', t.expiresAt ?? '-', t.revokedAt ?? '-'].join('\t'));
}
