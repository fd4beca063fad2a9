import type { Kysely, Transaction } from 'kysely';
import { notFound } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';

/** The one check that a tenant id names a tenant; a clear 404 otherwise. */
export async function requireTenant(db: Kysely<Database> | Transaction<Database>, tenantId: string): Promise<void> {
  const t = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
  if (!t) throw notFound(`No tenant "${tenantId}" (see: secure-exchange tenant list)`);
}
