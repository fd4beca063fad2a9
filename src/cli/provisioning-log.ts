import type { Ctx } from '../domain/context.js';
import { readProvisioningLog } from '../domain/provisioning/provisioning-log.js';
import { requireTenant } from '../domain/tenants/require-tenant.js';
import { options, UsageError } from './index.js';

export async function provisioningLog(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, status: { type: 'string' }, user: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  const limit = o.limit === undefined ? 50 : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
  await requireTenant(ctx.db, o.tenant);
  const { total, items } = await readProvisioningLog(ctx, o.tenant, { status: o.status, userId: o.user, startIndex: 1, count: limit });
  if (o.json) return console.log(JSON.stringify({ total, items }));
  console.log(`${items.length} of ${total} entries, newest first`);
  for (const e of items) {
    const why = [e.error, e.ignored?.length ? `ignored: ${e.ignored.join(', ')}` : ''].filter(Boolean).join('; ');
    console.log([e.at, e.status, e.method, e.path, e.userId ?? '-', why].join('\t'));
  }
}
