import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { ownerAvailabilityChanged } from './write-user.js';

/**
 * SCIM DELETE /Users/{id} (Entra's hard delete, 30 days after a soft delete). Sessions go with the user;
 * exchanges the user owned stay, their owner id now naming no one: an admin reassigns them.
 */
export async function deleteUser(ctx: Ctx, tenantId: string, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!gone.numDeletedRows) throw notFound(`User ${id} not found`);
    await ownerAvailabilityChanged(trx, id, false);
    await recordAudit(trx, { tenantId, actor: 'scim', action: 'user.delete', target: `user:${id}` });
  });
}
