// The tenant's console API (signed in with the tenant's username and password).
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { describeIdp, fetchMetadata, importIdpMetadata } from '../../../domain/idp/import-idp-metadata.js';
import { getPerson, listPeople } from '../../../domain/people/list-people.js';
import { setAdminPromotion } from '../../../domain/people/promote-admin.js';
import { readProvisioningLog } from '../../../domain/provisioning/provisioning-log.js';
import { updateSamlPolicy } from '../../../domain/tenants/saml-policy.js';
import { endTenantSession, signInTenant } from '../../../domain/tenants/sign-in-tenant.js';
import { invalid, notFound } from '../../../errors.js';
import { clearSessionCookie, sessionToken, setSessionCookie, TENANT_COOKIE } from '../../session-cookie.js';
import { tenantOf } from './index.js';

export type LogQuery = { Querystring: Record<string, string | string[] | undefined> };
export const MAX_PAGE = 500;

export function oneValue(q: LogQuery['Querystring'], name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw invalid(`"${name}" may be given only once`);
  return v || undefined;
}

export function pageNumber(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw invalid(`"${name}" must be a whole number`);
  return Math.min(Math.max(Number(raw), min), max);
}

export async function tenantRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // With TOTP on, {"username", "password", "totp"}; without "totp" the right password answers 401 with
  // "totpRequired": true (and costs no attempt), a wrong code counts like a wrong password.
  app.post<{ Body: { username?: unknown; password?: unknown; totp?: unknown } }>('/tenant/login', {
    schema: { tags: ['tenant'], summary: 'The tenant signs in (username, password, TOTP code once enrolled)' },
  }, async (req, reply) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { username?: unknown; password?: unknown; totp?: unknown };
    const { tenantId, sessionToken: token } = await signInTenant(ctx, body.username, body.password, body.totp);
    setSessionCookie(ctx, reply, token, TENANT_COOKIE);
    return { tenantId };
  });

  app.post('/tenant/logout', { schema: { tags: ['tenant'], summary: 'Ends the tenant\'s session' } }, async (req, reply) => {
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

export async function tenantIdpRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get('/tenant/idp', async (req) => {
    const idp = await describeIdp(ctx, tenantOf(req));
    if (!idp) throw notFound('No IdP is configured yet');
    return idp;
  });

  // Entra's Federation Metadata XML (uploaded or pasted) or its App Federation Metadata URL (fetched now,
  // then refreshed about every 12 hours).
  app.put<{ Body: { metadataXml?: unknown; metadataUrl?: unknown } }>('/tenant/idp', async (req) => {
    const tenantId = tenantOf(req);
    const body = (req.body ?? {}) as { metadataXml?: unknown; metadataUrl?: unknown };
    const { metadataXml: xml, metadataUrl: url } = body;
    if ((typeof xml === 'string') === (typeof url === 'string')) throw invalid('Send either "metadataXml" or "metadataUrl"');
    if (typeof url === 'string') {
      await importIdpMetadata(ctx, tenantId, await fetchMetadata(url), url, { url, actor: 'tenant' });
    } else {
      await importIdpMetadata(ctx, tenantId, xml as string, 'uploaded XML', { actor: 'tenant' });
    }
    return describeIdp(ctx, tenantId);
  });

  app.get('/tenant/saml-policy', async (req) => {
    const t = await ctx.db.selectFrom('tenants').select(['allow_idp_initiated', 'allow_sha1']).where('id', '=', tenantOf(req)).executeTakeFirstOrThrow();
    return { allowIdpInitiated: t.allow_idp_initiated === 1, allowSha1: t.allow_sha1 === 1 };
  });

  app.patch<{ Body: { allowIdpInitiated?: unknown; allowSha1?: unknown } }>('/tenant/saml-policy', async (req) => {
    const body = req.body as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Send a JSON object such as {"allowIdpInitiated": false}');
    for (const k of ['allowIdpInitiated', 'allowSha1']) {
      if (body[k] !== undefined && typeof body[k] !== 'boolean') throw invalid(`"${k}" must be true or false`);
    }
    return updateSamlPolicy(ctx, tenantOf(req), 'tenant', body as { allowIdpInitiated?: boolean; allowSha1?: boolean });
  });

  // The last refused sign-ins, newest first, so the tenant sees what its staff ran into.
  app.get('/tenant/signin-failures', async (req) => {
    const rows = await ctx.db.selectFrom('audit_log').select(['at', 'actor', 'detail']).where('tenant_id', '=', tenantOf(req))
      .where('action', '=', 'signin.refused').orderBy('seq', 'desc').limit(50).execute();
    return { items: rows.map((r) => ({ at: r.at, actor: r.actor, ...(r.detail ? JSON.parse(r.detail) as object : {}) })) };
  });
}

export async function tenantPeopleRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // ?userType=ADMIN|ADVISOR, ?active=true|false, ?q=… (userName, name, e-mail), ?startIndex (1-based), ?count (≤ 500)
  app.get<LogQuery>('/tenant/users', { schema: { tags: ['tenant'], summary: 'The tenant\'s provisioned users, filtered and paged' } }, async (req) => {
    const q = req.query;
    const type = oneValue(q, 'userType');
    const active = oneValue(q, 'active');
    const search = oneValue(q, 'q');
    if (type !== undefined && type !== 'ADMIN' && type !== 'ADVISOR') throw invalid('userType must be ADMIN or ADVISOR');
    if (active !== undefined && active !== 'true' && active !== 'false') throw invalid('active must be true or false');
    if (search !== undefined && search.length > 200) throw invalid('"q" must be at most 200 characters');
    const startIndex = pageNumber(oneValue(q, 'startIndex'), 'startIndex', 1, 1, 2 ** 31);
    const count = pageNumber(oneValue(q, 'count'), 'count', 100, 0, MAX_PAGE);
    const { total, items } = await listPeople(ctx, tenantOf(req), {
      userType: type, active: active === undefined ? undefined : active === 'true', q: search, startIndex, count,
    });
    return { total, startIndex, count: items.length, items };
  });
  app.get<{ Params: { id: string } }>('/tenant/users/:id', { schema: { tags: ['tenant'], summary: 'One user of the tenant' } }, async (req) =>
    getPerson(ctx, tenantOf(req), req.params.id));
  for (const [verb, promoted] of [['promote', true], ['demote', false]] as const) {
    app.post<{ Params: { id: string } }>(`/tenant/users/:id/${verb}`, {
      schema: { tags: ['tenant'], summary: promoted ? 'Promotes an ADMIN (it may act as admin)' : 'Demotes an ADMIN (its session stays, its admin rights end)' },
    }, async (req) => setAdminPromotion(ctx, tenantOf(req), req.params.id, promoted, 'tenant'));
  }
}
