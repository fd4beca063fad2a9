// What promoted admins do: see every exchange of the tenant, (re)assign deputies, hand exchanges over.
import type { FastifyInstance } from 'fastify';
// Brings the OpenAPI fields (tags, summary) into Fastify's route schema type.
import type {} from '@fastify/swagger';
import { addDeputy, removeDeputy } from '../../../domain/admin/exchange-deputies.js';
import { handOverExchange } from '../../../domain/admin/hand-over-exchange.js';
import { listAdvisors } from '../../../domain/admin/list-advisors.js';
import { listAllExchanges } from '../../../domain/admin/list-all-exchanges.js';
import type { Ctx } from '../../../domain/context.js';
import { EXCHANGE_STATES } from '../../../domain/exchanges/effective-state-sql.js';
import { booleanValue, oneOf, oneValue, page, type Query } from '../../query.js';
import { actorOf } from './index.js';

type Deputy = { Params: { id: string; userId: string } };
const tags = ['admin'];

export async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // ?owner=<user id>, ?state=open|closed|archived (effective), ?needsReassignment=true|false, ?startIndex, ?count (≤ 200)
  app.get<{ Querystring: Query }>('/admin/exchanges', { schema: { tags, summary: 'Every exchange of the tenant (promoted admins)' } }, async (req) => {
    const actor = actorOf(req);
    const q = req.query;
    const p = page(q, 50, 200);
    const { total, items } = await listAllExchanges(ctx, actor, {
      ownerId: oneValue(q, 'owner'), state: oneOf(q, 'state', EXCHANGE_STATES), needsReassignment: booleanValue(q, 'needsReassignment'), ...p,
    });
    return { total, startIndex: p.startIndex, items };
  });

  app.get('/admin/advisors', { schema: { tags, summary: 'The active advisors, to make deputy or hand an exchange to (promoted admins)' } },
    async (req) => ({ items: await listAdvisors(ctx, actorOf(req)) }));

  app.put<Deputy>('/exchanges/:id/deputies/:userId', { schema: { tags, summary: 'Make an advisor deputy of the exchange (promoted admins; idempotent)' } },
    async (req) => addDeputy(ctx, actorOf(req), req.params.id, req.params.userId));

  app.delete<Deputy>('/exchanges/:id/deputies/:userId', { schema: { tags, summary: 'Remove a deputy (promoted admins)' } }, async (req, reply) => {
    await removeDeputy(ctx, actorOf(req), req.params.id, req.params.userId);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/exchanges/:id/handover', { schema: { tags, summary: 'Hand the exchange to another advisor (promoted admins)' } },
    async (req) => handOverExchange(ctx, actorOf(req), req.params.id, req.body));
}
