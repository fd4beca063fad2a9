import { notFound } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import type { Ctx } from '../context.js';

const cache = new WeakMap<Buffer, Map<string, Buffer>>();

/** The tenant's key, unwrapped by the master key (cached per master key for the life of the process). */
export async function tenantKey(ctx: Ctx, tenantId: string): Promise<Buffer> {
  let byTenant = cache.get(ctx.masterKey);
  if (!byTenant) cache.set(ctx.masterKey, (byTenant = new Map()));
  const hit = byTenant.get(tenantId);
  if (hit) return hit;
  const row = await ctx.db.selectFrom('tenants').select('wrapped_key').where('id', '=', tenantId).executeTakeFirst();
  if (!row) throw notFound('No such tenant');
  const key = unwrapKey(ctx.masterKey, row.wrapped_key, `tenant:${tenantId}`);
  byTenant.set(tenantId, key);
  return key;
}

/** Refuses to run on a master key that does not open the existing data: better than writing with the wrong one. */
export async function assertMasterKeyMatches(ctx: Ctx): Promise<void> {
  const row = await ctx.db.selectFrom('tenants').select(['id', 'wrapped_key']).limit(1).executeTakeFirst();
  if (row) unwrapKey(ctx.masterKey, row.wrapped_key, `tenant:${row.id}`);
}
