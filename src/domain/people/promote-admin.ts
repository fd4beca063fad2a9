import { invalid, notFound } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

/** Promotes (or demotes) a provisioned ADMIN, found by id or userName; only admins can be promoted. */
export async function setAdminPromotion(ctx: Ctx, tenantId: string, who: string, promoted: boolean, actor: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'user_type', 'user_name', 'promoted']).where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('id', '=', who), eb('user_name_key', '=', who.toLowerCase())])).executeTakeFirst();
    if (!user) throw notFound(`No user "${who}" in this tenant`);
    if (user.user_type !== 'ADMIN') throw invalid(`${user.user_name} is not an admin (userType ${user.user_type ?? 'none'}); Entra assigns the role`);
    // Only the flag changes: a demoted admin stays signed in (its session now says promotionPending, and
    // the policy, which reads the flag per request, stops granting admin access at once); exchanges,
    // deputies and sessions are untouched.
    await trx.updateTable('users').set({ promoted: promoted ? 1 : 0, updated_at: nowIso() }).where('id', '=', user.id).execute();
    await recordAudit(trx, { tenantId, actor, action: promoted ? 'admin.promote' : 'admin.demote', target: `user:${user.id}`, detail: { userName: user.user_name, wasPromoted: user.promoted === 1 } });
    return { userId: user.id, userName: user.user_name, promoted };
  });
}
