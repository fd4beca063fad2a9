import type { Transaction } from 'kysely';
import { conflict, notFound } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';
import { isUuid } from '../exchanges/exchange-access.js';

/**
 * The advisor an admin names as deputy or new owner: 404 when no user of this tenant has the id (another
 * tenant's users answer exactly like missing ones), 409 when the user exists but is no active advisor.
 */
export async function activeAdvisorOf(trx: Transaction<Database>, tenantId: string, userId: unknown): Promise<{ id: string }> {
  if (!isUuid(userId)) throw notFound('Advisor not found');
  const user = await trx.selectFrom('users').select(['id', 'user_type', 'active']).where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('Advisor not found');
  if (user.user_type !== 'ADVISOR') throw conflict('This user is not an advisor');
  if (user.active !== 1) throw conflict('This advisor is deactivated');
  return { id: user.id };
}
