// "Send me a code": the same answer whether or not the address belongs to a client with live access,
// and the mail is sent after the answer, so neither the reply nor its timing tells who is a client.
import { invalid } from '../../errors.js';
import type { Ctx } from '../context.js';
import { clientAddress } from './client-input.js';
import { issueCode } from './one-time-codes.js';

export function signInTarget(input: { tenantId?: unknown; email?: unknown }): { tenantId: string; key: string } {
  if (typeof input.tenantId !== 'string' || !input.tenantId || input.tenantId.length > 200) throw invalid('"tenantId" is required');
  return { tenantId: input.tenantId, key: clientAddress(input.email).key };
}

export async function requestCode(ctx: Ctx, input: { tenantId?: unknown; email?: unknown }): Promise<void> {
  const { tenantId, key } = signInTarget(input);
  const client = await ctx.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).where('email_key', '=', key)
    .where((eb) => eb.exists(eb.selectFrom('exchange_clients').select('exchange_clients.client_id')
      .whereRef('exchange_clients.client_id', '=', 'clients.id').where('exchange_clients.revoked_at', 'is', null)))
    .executeTakeFirst();
  if (!client) return;
  void issueCode(ctx, client).catch((err: Error) => ctx.log.warn({ err: err.message, client: client.id }, 'sign-in code not sent'));
}
