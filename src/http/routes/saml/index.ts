// SAML SP per tenant: metadata, SP-initiated login (HTTP-Redirect) and the ACS (HTTP-POST).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantUrls } from '../../../config.js';
import { recordAudit } from '../../../domain/audit/record-audit.js';
import type { Ctx } from '../../../domain/context.js';
import { getIdp } from '../../../domain/idp/import-idp-metadata.js';
import { samlRequestStore } from '../../../domain/sessions/saml-request-store.js';
import { signInWithSaml } from '../../../domain/sessions/sign-in-with-saml.js';
import { entraDirectoryOf } from '../../../saml/metadata.js';
import { safeRelayState, serviceProvider, spMetadata, type SpSettings } from '../../../saml/service-provider.js';
import { SamlRejected } from '../../../saml/validate-response.js';
import { createValidationPool, ValidationUnavailable } from '../../../saml/validation-pool.js';
import { endSamlSession, endSessionsFromIdp } from '../../../domain/sessions/single-logout.js';
import { logoutRequestUrl, logoutResponseUrl, readLogoutRequest } from '../../../saml/logout.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../../session-cookie.js';
import { errorPage, pickLanguage, type PageKey } from './pages.js';

type P = { Params: { tenantId: string } };

/** Seconds a browser is asked to wait when every validation thread is busy and the queue is full. */
const BUSY_RETRY_AFTER_S = 2;

export async function samlRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  const page = (req: FastifyRequest, reply: FastifyReply, status: number, key: PageKey, lang?: string, detail?: string) =>
    reply.code(status).type('text/html; charset=utf-8')
      .send(errorPage(key, pickLanguage(req.headers['accept-language'], lang), `Reference: ${req.id}`, detail));

  // ACS responses are validated off the main thread (src/saml/validation-pool.ts), ended with the app.
  const pool = createValidationPool({
    threads: ctx.config.samlValidationThreads, queueLimit: ctx.config.samlValidationQueue,
    onWorkerExit: (e) => ctx.log.error(e, 'SAML validation worker ended; a new one is started'),
  });
  app.addHook('onClose', async () => pool.close());

  async function settings(tenantId: string): Promise<SpSettings | PageKey> {
    const tenant = await ctx.db.selectFrom('tenants').select(['id', 'allow_idp_initiated', 'allow_sha1']).where('id', '=', tenantId).executeTakeFirst();
    if (!tenant) return 'unknown_tenant';
    const idp = await getIdp(ctx, tenantId);
    if (!idp) return 'no_idp';
    return {
      tenantId, acsUrl: tenantUrls(ctx.config, tenantId).samlUrl, idp,
      clockSkewMs: ctx.config.samlClockSkewMs, requests: samlRequestStore(ctx, tenantId),
      allowIdpInitiated: tenant.allow_idp_initiated === 1, allowSha1: tenant.allow_sha1 === 1,
      entraTenantId: entraDirectoryOf(idp.entityId),
    };
  }

  app.get<P>('/saml/:tenantId/metadata', async (req, reply) => {
    const tenant = await ctx.db.selectFrom('tenants').select('id').where('id', '=', req.params.tenantId).executeTakeFirst();
    if (!tenant) return page(req, reply, 404, 'unknown_tenant');
    const xml = spMetadata({ tenantId: tenant.id, acsUrl: tenantUrls(ctx.config, tenant.id).samlUrl });
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(xml);
  });

  app.get<P & { Querystring: { RelayState?: string } }>('/saml/:tenantId/login', async (req, reply) => {
    const s = await settings(req.params.tenantId);
    if (typeof s === 'string') return page(req, reply, s === 'unknown_tenant' ? 404 : 409, s);
    const url = await serviceProvider(s).getAuthorizeUrlAsync(safeRelayState(req.query.RelayState), undefined, {});
    return reply.redirect(url, 302);
  });

  // Sign-out: ends the session here, then (when the IdP has a logout URL) at the IdP too.
  app.get<P>('/saml/:tenantId/logout', async (req, reply) => {
    const ended = await endSamlSession(ctx, sessionToken(req));
    clearSessionCookie(reply);
    const s = await settings(req.params.tenantId);
    if (!ended || ended.tenant_id !== req.params.tenantId || typeof s === 'string' || !s.idp.sloUrl || !ended.name_id) {
      return reply.redirect('/', 303);
    }
    return reply.redirect(await logoutRequestUrl(s, { nameId: ended.name_id, nameIdFormat: ended.name_id_format, sessionIndex: ended.session_index }), 302);
  });

  // The IdP's side of single logout: its answer to our LogoutRequest, or its own LogoutRequest.
  app.get<P & { Querystring: Record<string, string> }>('/saml/:tenantId/slo', async (req, reply) => {
    if (!req.query.SAMLRequest) return reply.redirect('/', 303);
    const s = await settings(req.params.tenantId);
    if (typeof s === 'string') return page(req, reply, s === 'unknown_tenant' ? 404 : 409, s);
    const rawQuery = req.url.slice(req.url.indexOf('?') + 1);
    const request = await readLogoutRequest(s, req.query, rawQuery).catch((err: SamlRejected) => err);
    if (request instanceof SamlRejected) {
      req.log.warn({ tenantId: s.tenantId, reason: request.reason }, 'logout request refused');
      return page(req, reply, 400, 'invalid');
    }
    const ended = await endSessionsFromIdp(ctx, s.tenantId, request);
    if (ended === 'replay') return page(req, reply, 400, 'invalid');
    return reply.redirect(await logoutResponseUrl(s, request, safeRelayState(req.query.RelayState), ended > 0 || request.signed), 302);
  });

  // A refresh or bookmark of the ACS arrives as a GET: say how to sign in instead.
  app.get<P>('/saml/:tenantId/acs', async (req, reply) => page(req, reply, 400, 'start_again'));

  app.post<P & { Body: Record<string, string> }>('/saml/:tenantId/acs', async (req, reply) => {
    const tenantId = req.params.tenantId;
    const s = await settings(tenantId);
    if (typeof s === 'string') return page(req, reply, s === 'unknown_tenant' ? 404 : 409, s);
    const body = (req.body ?? {}) as Record<string, unknown>;
    let identity;
    try {
      identity = await pool.validate(s, body.SAMLResponse);
    } catch (err) {
      if (err instanceof ValidationUnavailable) {
        req.log.warn({ tenantId, why: err.why, reason: err.message }, 'SAML response not validated');
        // A worker that crashed or overran on this response is worth the tenant's attention; overload is not
        // audited (one more write per refused request is the last thing an overloaded server needs).
        if (err.why === 'failed') {
          await recordAudit(ctx.db, { tenantId, actor: 'anonymous', action: 'signin.refused', detail: { code: 'validation_failed', reason: err.message } });
        }
        return page(req, reply.header('retry-after', String(BUSY_RETRY_AFTER_S)), 503, 'busy');
      }
      if (!(err instanceof SamlRejected)) throw err;
      req.log.warn({ tenantId, reason: err.reason }, 'SAML response refused');
      await recordAudit(ctx.db, { tenantId, actor: 'anonymous', action: 'signin.refused', detail: { code: err.code, reason: err.reason.slice(0, 300) } });
      return page(req, reply, err.code === 'idp_error' ? 401 : err.code === 'wrong_tenant' ? 403 : 400, err.code, undefined, err.detail);
    }
    const result = await signInWithSaml(ctx, tenantId, identity);
    if (!result.ok) {
      req.log.warn({ tenantId, reason: result.reason }, 'SAML sign-in refused');
      return page(req, reply, 403, result.reason, result.language);
    }
    setSessionCookie(ctx, reply, result.sessionToken);
    return reply.redirect(safeRelayState(body.RelayState), 303);
  });
}
