// The tenant's console API (signed in with the tenant's username and password).
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { readProvisioningLog } from '../../../domain/provisioning/provisioning-log.js';
import { endTenantSession, signInTenant } from '../../../domain/tenants/sign-in-tenant.js';
import { invalid } from '../../../errors.js';
import { clearSessionCookie, sessionToken, setSessionCookie, TENANT_COOKIE } from '../../session-cookie.js';
import { tenantOf } from './index.js';

type LogQuery = { Querystring: Record<string, string | string[] | undefined> };
const MAX_PAGE = 500;

function oneValue(q: LogQuery['Querystring'], name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw invalid(`"${name}" may be given only once`);
  return v || undefined;
}

function pageNumber(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw invalid(`"${name}" must be a whole number`);
  return Math.min(Math.max(Number(raw), min), max);
}

export async function tenantRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<{ Body: { username?: unknown; password?: unknown } }>('/tenant/login', async (req, reply) => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const { tenantId, sessionToken: token } = await signInTenant(ctx, body.username, body.password);
    setSessionCookie(ctx, reply, token, TENANT_COOKIE);
    return { tenantId };
  });

  app.post('/tenant/logout', async (req, reply) => {
    const token = sessionToken(req, TENANT_COOKIE);
    if (token) await endTenantSession(ctx, token);
    clearSessionCookie(reply, TENANT_COOKIE);
    return reply.code(204).send();
  });

  // Paged newest first; ?status=404|4xx|error, ?userId=…, ?startIndex (1-based), ?count (≤ 500).
  app.get<LogQuery>('/tenant/provisioning-log', async (req) => {
    const tenantId = tenantOf(req);
    const q = req.query;
    const startIndex = pageNumber(oneValue(q, 'startIndex'), 'startIndex', 1, 1, 2 ** 31);
    const count = pageNumber(oneValue(q, 'count'), 'count', 100, 0, MAX_PAGE);
    const { total, items } = await readProvisioningLog(ctx, tenantId, { status: oneValue(q, 'status'), userId: oneValue(q, 'userId'), startIndex, count });
    return { total, startIndex, items };
  });
}
