import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../domain/context.js';

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // Liveness: the process answers. Readiness: the database and the blob store (folder or bucket) can be used.
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      await ctx.blobs.ready();
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable' });
    }
  });
}
