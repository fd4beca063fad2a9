import type { FastifyInstance } from 'fastify';
// Brings the OpenAPI fields (tags, summary) into Fastify's route schema type.
import type {} from '@fastify/swagger';
import type { Ctx } from '../../../domain/context.js';
import { changeExchangeState } from '../../../domain/exchanges/change-exchange-state.js';
import { createExchange } from '../../../domain/exchanges/create-exchange.js';
import { EXCHANGE_STATES } from '../../../domain/exchanges/effective-state-sql.js';
import { exchangeActivity } from '../../../domain/exchanges/exchange-activity.js';
import { getExchange } from '../../../domain/exchanges/get-exchange.js';
import { listMyExchanges } from '../../../domain/exchanges/list-exchanges.js';
import { updateExchange } from '../../../domain/exchanges/update-exchange.js';
import type { StateChange } from '../../../policies/exchange-policy.js';
import { oneOf, page, type Query } from '../../query.js';
import { actorOf } from './index.js';

type Id = { Params: { id: string } };
const tags = ['exchanges'];

export async function exchangeRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<{ Body: { title?: unknown } }>('/exchanges', { schema: { tags, summary: 'Create an exchange (advisors)' } }, async (req, reply) => {
    const exchange = await createExchange(ctx, actorOf(req), (req.body ?? {}) as { title?: unknown });
    return reply.code(201).send(exchange);
  });

  // ?state=open|closed|archived (effective state), ?relation=owner|deputy
  app.get<{ Querystring: Query }>('/exchanges', { schema: { tags, summary: 'The exchanges the caller owns, is deputy of or was invited to' } }, async (req) => {
    const actor = actorOf(req);
    const state = oneOf(req.query, 'state', EXCHANGE_STATES);
    const relation = oneOf(req.query, 'relation', ['owner', 'deputy'] as const);
    return { items: await listMyExchanges(ctx, actor, { state, relation }) };
  });

  app.get<Id>('/exchanges/:id', { schema: { tags, summary: 'One exchange' } }, async (req) => getExchange(ctx, actorOf(req), req.params.id));

  app.patch<Id>('/exchanges/:id', { schema: { tags, summary: 'Rename, set or clear the expiry, share client names (owner, deputy)' } },
    async (req) => updateExchange(ctx, actorOf(req), req.params.id, req.body));

  for (const change of ['close', 'reopen', 'archive'] as const satisfies readonly StateChange[]) {
    app.post<Id>(`/exchanges/:id/${change}`, { schema: { tags, summary: `${change[0]!.toUpperCase()}${change.slice(1)} the exchange (owner, deputy)` } },
      async (req) => changeExchangeState(ctx, actorOf(req), req.params.id, change));
  }

  // Paged newest first: ?startIndex (1-based), ?count (≤ 200)
  app.get<Id & { Querystring: Query }>('/exchanges/:id/activity', { schema: { tags, summary: 'The exchange\'s audit entries (owner, deputy)' } }, async (req) => {
    const actor = actorOf(req);
    const p = page(req.query, 50, 200);
    const { total, items } = await exchangeActivity(ctx, actor, req.params.id, p);
    return { total, startIndex: p.startIndex, items };
  });
}
