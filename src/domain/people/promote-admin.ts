import { invalid, notFound } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

/** Promotes (or demotes) a provisioned ADMIN, found by id or userName; only admins can be promoted. */
export async function setAdminPromotion(ctx: Ctx, tenantId: string, who: string, promoted: boolean, actor: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'user_type', 'user_name']).where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('id', '=', who), eb('user_name_key', '=', who.toLowerCase())])).executeTakeFirst();
    if (!user) throw notFound(`No user "${who}" in this tenant`);
    if (user.user_type !== 'ADMIN') throw invalid(`${user.user_name} is not an admin (userType ${user.user_type ?? 'none'}); Entra assigns the role`);
    await trx.updateTable('users').set({ promoted: promoted ? 1 : 0, updated_at: nowIso() }).where('id', '=', user.id).execute();
    await recordAudit(trx, { tenantId, actor, action: promoted ? 'admin.promote' : 'admin.demote', target: `user:${user.id}` });
    return { userId: user.id, userName: user.user_name, promoted };
  });
}

export interface PersonView { id: string; userName: string; displayName: string; email: string; userType: string | null; active: boolean; promoted: boolean }

/** The tenant's people, optionally only one user type or only active ones. */
export async function listPeople(ctx: Ctx, tenantId: string, q: { userType?: string; active?: boolean }): Promise<PersonView[]> {
  const rows = await ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId)
    .$if(q.userType !== undefined, (b) => b.where('user_type', '=', q.userType!))
    .$if(q.active !== undefined, (b) => b.where('active', '=', q.active ? 1 : 0))
    .orderBy('user_name_key').execute();
  return rows.map((r) => ({
    id: r.id, userName: r.user_name, displayName: `${r.given_name} ${r.family_name}`, email: r.email,
    userType: r.user_type, active: r.active === 1, promoted: r.promoted === 1,
  }));
}
