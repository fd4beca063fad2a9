import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { requirePromotedAdmin } from './require-admin.js';

export interface AdvisorChoice { id: string; userName: string; displayName: string; email: string }

/** The active advisors of the tenant: whom an admin can make deputy or hand an exchange to. */
export async function listAdvisors(ctx: Ctx, actor: Actor): Promise<AdvisorChoice[]> {
  const admin = requirePromotedAdmin(actor);
  const rows = await ctx.db.selectFrom('users').select(['id', 'user_name', 'given_name', 'family_name', 'email'])
    .where('tenant_id', '=', admin.tenantId).where('user_type', '=', 'ADVISOR').where('active', '=', 1)
    .orderBy('family_name').orderBy('given_name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, userName: r.user_name, displayName: `${r.given_name} ${r.family_name}`, email: r.email }));
}
