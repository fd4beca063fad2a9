import fs from 'node:fs/promises';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../domain/context.js';

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // Liveness: the process answers. Readiness: the database and the blob folder can be used.
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      await fs.access(ctx.config.blobDir, fs.constants.W_OK);
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable' });
    }
  });
}
