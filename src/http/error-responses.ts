// The one place where a failure becomes an answer. The protocol is chosen by the path, so errors
// raised anywhere (a hook, a content-type parser, the router, a bad URL) answer in the format the
// client of that path reads: SCIM error JSON under /scim, a readable page under /saml, JSON elsewhere.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TOTP_REQUIRED } from '../domain/tenants/tenant-credentials.js';
import { describe, type Described } from './errors.js';
import { scimError } from './routes/scim/reply.js';
import { errorPage, pickLanguage } from './routes/saml/pages.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The reason of a refused request, for the tenant's provisioning log. */
    failure?: string;
  }
}

export function sendDescribed(req: FastifyRequest, reply: FastifyReply, d: Described) {
  req.failure = d.message;
  if (d.retryAfter) reply.header('retry-after', d.retryAfter);
  const path = req.url.split('?')[0] ?? '';
  if (path.startsWith('/scim/')) return scimError(reply, d.status, d.message, d.hint);
  if (path.startsWith('/saml/')) {
    const key = d.status === 404 ? 'unknown_tenant' : 'invalid';
    return reply.code(d.status).type('text/html; charset=utf-8')
      .send(errorPage(key, pickLanguage(req.headers['accept-language']), `Reference: ${req.id}`));
  }
  return reply.code(d.status).send({ error: { status: d.status, message: d.message, ...apiFlags(d.hint) } });
}

/**
 * The few hints a JSON client acts on, as boolean fields of the error object (e.g. the sign-in form
 * shows the TOTP field on `totpRequired`). Other hints (SCIM scimTypes) stay out of API answers.
 */
const API_FLAGS: Record<string, string> = { [TOTP_REQUIRED]: 'totpRequired' };
function apiFlags(hint: string | undefined): Record<string, true> {
  return hint && Object.hasOwn(API_FLAGS, hint) ? { [API_FLAGS[hint]!]: true } : {};
}

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const d = describe(err);
  if (d.internal) req.log.error({ err }, 'request failed');
  else req.log.info({ status: d.status, reason: d.message }, 'request refused');
  return sendDescribed(req, reply, d);
}

export function sendNotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0] ?? '';
  const message = path.startsWith('/scim/') ? 'No such SCIM endpoint' : path.startsWith('/api/') ? 'No such API endpoint' : 'Not found';
  return sendDescribed(req, reply, { status: 404, message, internal: false });
}
