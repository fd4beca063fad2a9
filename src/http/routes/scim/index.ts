// SCIM 2.0 under /scim/v2/{tenantId}: bearer token bound to the tenant, SCIM error JSON for every failure
// (Entra reads nothing else: spec/entra-scim-habits.md), and every request in the tenant's provisioning log.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { authenticateScim } from '../../../domain/tenants/authenticate-scim.js';
import { isPostgres, nowIso } from '../../../storage/db/index.js';
import { databaseRateLimitStore } from '../../../storage/db/rate-limit-store.js';
import { logSafeUrl } from '../../../logger.js';
import { ProvisioningLogWriter } from '../../../domain/provisioning/provisioning-log.js';
import rateLimit from '@fastify/rate-limit';
import { discoveryRoutes } from './discovery.js';
import { SCIM_CONTENT_TYPE } from './reply.js';
import { userRoutes } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the bearer token is accepted; the provisioning log only records requests of real tenants. */
    scimTenant?: string;
    /** Facts for the provisioning log: the user touched, attributes ignored. */
    scimNote?: { userId?: string; ignored?: string[] };
  }
}

export async function scimRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.decorateRequest('scimTenant', undefined);
  app.decorateRequest('scimNote', undefined);

  // Per tenant, set far above Entra's pace so provisioning never meets it. On PostgreSQL the counters
  // are in the database, shared by every instance; a failing count lets the request through (the
  // limit protects the service, it must not take SCIM down with the database's hiccup).
  await app.register(rateLimit, {
    max: ctx.config.scimRatePerMinute, timeWindow: 60_000,
    ...(isPostgres(ctx.db) ? { store: databaseRateLimitStore(ctx.db), skipOnError: true } : {}),
    keyGenerator: (req) => `scim:${(req.params as { tenantId?: string }).tenantId ?? ''}`,
    errorResponseBuilder: (_req, c) => Object.assign(new Error(`Too many requests for this tenant; retry after ${Math.ceil(c.ttl / 1000)} s`), { statusCode: 429 }),
  });

  app.addHook('onRequest', async (req: FastifyRequest<{ Params: { tenantId?: string } }>) => {
    const tenantId = req.params.tenantId ?? '';
    await authenticateScim(ctx, tenantId, req.headers.authorization);
    req.scimTenant = tenantId;
  });

  // Hooks that do not wait are written with `done`: an async hook costs a promise per request.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!String(reply.getHeader('content-type') ?? '').includes('scim+json') && reply.statusCode !== 204) {
      reply.type(SCIM_CONTENT_TYPE);
    }
    done(null, payload);
  });

  const provisioningLog = new ProvisioningLogWriter(ctx);
  app.addHook('onClose', async () => provisioningLog.flush());
  app.addHook('onResponse', (req, reply, done) => {
    done();
    if (!req.scimTenant) return;
    const err = req.failure;
    const detail = { ...(err ? { error: err } : {}), ...(req.scimNote?.ignored?.length ? { ignored: req.scimNote.ignored } : {}) };
    provisioningLog.record({
      tenant_id: req.scimTenant, at: nowIso(), method: req.method, path: logSafeUrl(req.url).slice(0, 2000), status: reply.statusCode,
      user_id: req.scimNote?.userId ?? null, detail: Object.keys(detail).length ? JSON.stringify(detail) : null,
    });
  });

  await app.register(discoveryRoutes, { ctx });
  await app.register(userRoutes, { ctx });
}
