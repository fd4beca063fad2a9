// The JSON API under /api (session cookie). Errors are `{ "error": { "status", "message" } }`.
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { resolveSession, type Actor } from '../../../domain/sessions/resolve-session.js';
import { forbidden, unauthorized } from '../../../errors.js';
import { resolveTenantSession } from '../../../domain/tenants/sign-in-tenant.js';
import { sessionToken, TENANT_COOKIE } from '../../session-cookie.js';
import { tenantIdpRoutes, tenantPeopleRoutes, tenantRoutes } from './tenant.js';
import { documentRoutes } from './documents.js';
import { exchangeRoutes } from './exchanges.js';
import { meRoutes } from './me.js';

declare module 'fastify' {
  interface FastifyRequest { actor?: Actor; tenantSession?: string }
}

/** The signed-in staff member; 401 when the request carries no valid staff session. */
export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw unauthorized('Sign in first');
  return req.actor;
}

/** The tenant signed in with its username and password; 401 otherwise. */
export function tenantOf(req: { tenantSession?: string }): string {
  if (!req.tenantSession) throw unauthorized('Sign in as the tenant first');
  return req.tenantSession;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function apiRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('tenantSession', undefined);
  const ownOrigin = new URL(ctx.config.publicUrl).origin;

  app.addHook('onRequest', async (req) => {
    // Cross-site request forgery: a browser always names the origin of a cross-site write; refuse those.
    if (!SAFE.has(req.method)) {
      const origin = req.headers.origin;
      if ((origin && origin !== ownOrigin) || req.headers['sec-fetch-site'] === 'cross-site') throw forbidden('Cross-site request refused');
    }
    // Each route asks for the kind of sign-in it needs (actorOf / tenantOf).
    req.actor = await resolveSession(ctx, sessionToken(req));
    req.tenantSession = await resolveTenantSession(ctx, sessionToken(req, TENANT_COOKIE));
  });

  await app.register(meRoutes, { ctx });
  await app.register(exchangeRoutes, { ctx });
  await app.register(documentRoutes, { ctx });
  await app.register(tenantRoutes, { ctx });
  await app.register(tenantIdpRoutes, { ctx });
  await app.register(tenantPeopleRoutes, { ctx });
}
