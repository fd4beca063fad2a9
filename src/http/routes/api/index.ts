// The JSON API under /api (session cookie). Errors are `{ "error": { "status", "message" } }`.
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { resolveSession, type Actor } from '../../../domain/sessions/resolve-session.js';
import { forbidden, unauthorized } from '../../../errors.js';
import { sessionToken } from '../../session-cookie.js';
import { documentRoutes } from './documents.js';
import { exchangeRoutes } from './exchanges.js';
import { meRoutes } from './me.js';

declare module 'fastify' {
  interface FastifyRequest { actor?: Actor }
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function apiRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.decorateRequest('actor', undefined);
  const ownOrigin = new URL(ctx.config.publicUrl).origin;

  app.addHook('onRequest', async (req) => {
    // Cross-site request forgery: a browser always names the origin of a cross-site write; refuse those.
    if (!SAFE.has(req.method)) {
      const origin = req.headers.origin;
      if ((origin && origin !== ownOrigin) || req.headers['sec-fetch-site'] === 'cross-site') throw forbidden('Cross-site request refused');
    }
    const actor = await resolveSession(ctx, sessionToken(req));
    if (!actor) throw unauthorized('Sign in first');
    req.actor = actor;
  });

  await app.register(meRoutes, { ctx });
  await app.register(exchangeRoutes, { ctx });
  await app.register(documentRoutes, { ctx });
}
