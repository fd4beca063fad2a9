// The JSON API under /api (session cookie). Errors are `{ "error": { "status", "message" } }`.
import type { FastifyInstance } from 'fastify';
// Route schemas carry OpenAPI's tags and summary: the type augmentation of @fastify/swagger allows them.
import type {} from '@fastify/swagger';
import type { Ctx } from '../../../domain/context.js';
import { resolveClientSession, resolveSession, type Actor, type StaffActor } from '../../../domain/sessions/resolve-session.js';
import { forbidden, unauthorized } from '../../../errors.js';
import { resolveTenantSession } from '../../../domain/tenants/sign-in-tenant.js';
import { CLIENT_COOKIE, sessionToken, TENANT_COOKIE } from '../../session-cookie.js';
import { tenantIdpRoutes, tenantPeopleRoutes, tenantRoutes } from './tenant.js';
import { adminRoutes } from './admin.js';
import { tenantConsoleRoutes } from './tenant-console.js';
import { documentRoutes } from './documents.js';
import { uploadRoutes } from './uploads.js';
import { exchangeRoutes } from './exchanges.js';
import { meRoutes } from './me.js';
import { clientRoutes } from './clients.js';
import { clientAuthRoutes } from './client-auth.js';
import { signinRoutes } from './signin.js';
import { tenantScimRoutes } from './tenant-scim.js';

declare module 'fastify' {
  interface FastifyRequest { actor?: Actor; tenantSession?: string }
}

/** The signed-in staff member or client; 401 when the request carries no valid session. */
export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw unauthorized('Sign in first');
  return req.actor;
}

/** The signed-in staff member (SAML); a client's session is not enough (403). */
export function staffOf(req: { actor?: Actor }): StaffActor {
  const a = actorOf(req);
  if (a.kind !== 'staff') throw forbidden('Only the firm\'s staff may do this');
  return a;
}

/** The tenant signed in with its username and password; 401 otherwise. */
export function tenantOf(req: { tenantSession?: string }): string {
  if (!req.tenantSession) throw unauthorized('Sign in as the tenant first');
  return req.tenantSession;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for every state-changing request (issue 6), three layers deep:
 * 1. every session cookie is SameSite=Lax, so a cross-site form post or fetch carries none;
 * 2. a foreign `Origin` (or `Sec-Fetch-Site: cross-site`) is refused, whatever the cookies;
 * 3. a write must carry this custom header. A page of another origin can only add a custom header
 *    through a CORS preflight, which this server never approves (it sends no CORS headers at all),
 *    so a forged form, image or `fetch(..., {mode: 'no-cors'})` cannot send it — also not from a
 *    sibling subdomain or an old browser without SameSite/Origin. A constant value suffices for
 *    that (OWASP "custom request headers"); a per-session token would add a cookie to read and keep
 *    in sync across tabs for no further protection. The web app and tus-js-client send it on every
 *    request; server-to-server callers (SCIM, the SAML ACS) are not under /api and need none.
 */
export const CSRF_HEADER = 'x-secure-exchange-csrf';

export async function apiRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('tenantSession', undefined);
  const ownOrigin = new URL(ctx.config.publicUrl).origin;

  app.addHook('onRequest', async (req) => {
    // Cross-site request forgery: a browser always names the origin of a cross-site write; refuse those.
    if (!SAFE.has(req.method)) {
      const origin = req.headers.origin;
      if ((origin && origin !== ownOrigin) || req.headers['sec-fetch-site'] === 'cross-site') throw forbidden('Cross-site request refused');
      if (req.headers[CSRF_HEADER] !== '1') throw forbidden(`Missing the ${CSRF_HEADER}: 1 header that every write must send`);
    }
    // Each route asks for the kind of sign-in it needs (actorOf / tenantOf).
    // A browser may hold both a staff and a client cookie (a tester, a shared machine): staff wins.
    req.actor = (await resolveSession(ctx, sessionToken(req))) ?? (await resolveClientSession(ctx, sessionToken(req, CLIENT_COOKIE)));
    req.tenantSession = await resolveTenantSession(ctx, sessionToken(req, TENANT_COOKIE));
  });

  app.get('/docs', { schema: { tags: ['meta'], summary: 'This OpenAPI document' } }, async () => app.swagger());
  await app.register(meRoutes, { ctx });
  await app.register(exchangeRoutes, { ctx });
  await app.register(documentRoutes, { ctx });
  await app.register(uploadRoutes, { ctx });
  await app.register(adminRoutes, { ctx });
  await app.register(tenantRoutes, { ctx });
  await app.register(tenantIdpRoutes, { ctx });
  await app.register(tenantPeopleRoutes, { ctx });
  await app.register(clientRoutes, { ctx });
  await app.register(clientAuthRoutes, { ctx });
  await app.register(tenantConsoleRoutes, { ctx });
  await app.register(signinRoutes, { ctx });
  await app.register(tenantScimRoutes, { ctx });
}
