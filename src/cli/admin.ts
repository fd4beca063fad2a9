import type { Ctx } from '../domain/context.js';
import { listPeople } from '../domain/people/list-people.js';
import { setAdminPromotion } from '../domain/people/promote-admin.js';
import { requireTenant } from '../domain/tenants/require-tenant.js';
import { options, UsageError } from './index.js';

const promotion = (promoted: boolean) => async (ctx: Ctx, args: string[]) => {
  const o = options(args, { tenant: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant || !o.user) throw new UsageError('--tenant and --user (id or userName) are required');
  await requireTenant(ctx.db, o.tenant);
  const r = await setAdminPromotion(ctx, o.tenant, o.user, promoted, 'operator');
  if (o.json) return console.log(JSON.stringify(r));
  console.log(`${r.userName} is ${promoted ? 'now a promoted admin' : 'no longer promoted'}.`);
};

export const adminPromote = promotion(true);
export const adminDemote = promotion(false);

export async function userList(ctx: Ctx, args: string[]) {
  const o = options(args, { tenant: { type: 'string' }, json: { type: 'boolean' } });
  if (!o.tenant) throw new UsageError('--tenant is required');
  await requireTenant(ctx.db, o.tenant);
  const { items: people } = await listPeople(ctx, o.tenant, {});
  if (o.json) return console.log(JSON.stringify(people));
  console.log('USER ID\tUSERNAME\tTYPE\tACTIVE\tPROMOTED');
  for (const p of people) console.log([p.id, p.userName, p.userType ?? '-', p.active, p.userType === 'ADMIN' ? p.promoted : '-'].join('\t'));
}
