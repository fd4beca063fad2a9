import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { createExchange } from '../../../domain/exchanges/create-exchange.js';
import { exchangeFor } from '../../../domain/exchanges/exchange-access.js';
import { toExchangeView } from '../../../domain/exchanges/exchange-view.js';
import { listMyExchanges } from '../../../domain/exchanges/list-exchanges.js';
import { actorOf } from './index.js';

export async function exchangeRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<{ Body: { title?: unknown } }>('/exchanges', async (req, reply) => {
    const exchange = await createExchange(ctx, actorOf(req), (req.body ?? {}) as { title?: unknown });
    return reply.code(201).send(exchange);
  });
  app.get('/exchanges', async (req) => ({ items: await listMyExchanges(ctx, actorOf(req)) }));
  app.get<{ Params: { id: string } }>('/exchanges/:id', async (req) => {
    const { row, relation } = await exchangeFor(ctx, actorOf(req), req.params.id, 'view');
    return toExchangeView(row, relation);
  });
}
