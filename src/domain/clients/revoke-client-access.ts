// Ends a client's access to one exchange: from the next request on it answers 404 for it, like any
// exchange it never knew. Its pending links to the exchange die too. Its sessions live on: it may
// have other exchanges, and every request asks the policy afresh.
import { notFound } from '../../errors.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { exchangeFor, isUuid } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';

export async function revokeClientAccess(ctx: Ctx, actor: Actor, exchangeId: string, clientId: string): Promise<void> {
  const { row: exchange } = await exchangeFor(ctx, actor, exchangeId, 'manageClients');
  if (!isUuid(clientId)) throw notFound('Client not found');
  const by = principalOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const access = await trx.selectFrom('exchange_clients').select(['client_id', 'revoked_at']).where('exchange_id', '=', exchange.id)
      .where('client_id', '=', clientId).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
    if (!access) throw notFound('Client not found');
    if (access.revoked_at) return;
    const at = nowIso();
    await trx.updateTable('exchange_clients').set({ revoked_at: at, revoked_by: by }).where('exchange_id', '=', exchange.id).where('client_id', '=', clientId).execute();
    await trx.updateTable('invitations').set({ revoked_at: at }).where('exchange_id', '=', exchange.id).where('client_id', '=', clientId)
      .where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actor: by, action: 'client.access.revoke', target: `exchange:${exchange.id}`, detail: { client: clientId } });
  });
}
