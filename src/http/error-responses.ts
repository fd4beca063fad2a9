// The one place where a failure becomes an answer. The protocol is chosen by the path, so errors
// raised anywhere (a hook, a content-type parser, the router, a bad URL) answer in the format the
// client of that path reads: SCIM error JSON under /scim, a readable page under /saml, JSON elsewhere.
import type { IncomingMessage } from 'node:http';
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

/**
 * Reads and drops what is left of a refused request's body (at most `maxBytes`, for at most `ms`), so the
 * answer reaches the client and the kept-alive connection stays in step. False when it was too much.
 */
function drain(raw: IncomingMessage, maxBytes = 8 * 1024 * 1024, ms = 3000): Promise<boolean> {
  if (raw.complete || raw.destroyed) return Promise.resolve(raw.complete);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => { clearTimeout(timer); raw.off('data', onData); raw.off('end', onEnd); raw.off('error', onEnd); resolve(ok); };
    const onData = (chunk: Buffer) => { seen += chunk.length; if (seen > maxBytes) done(false); };
    const onEnd = () => done(raw.complete);
    const timer = setTimeout(() => done(false), ms);
    raw.on('data', onData).once('end', onEnd).once('error', onEnd);
    raw.resume();
  });
}

export async function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const d = describe(err);
  if (d.internal) req.log.error({ err }, 'request failed');
  else req.log.info({ status: d.status, reason: d.message }, 'request refused');
  // Refused before its body was read to the end (a file over the limit, a closed exchange): the rest is
  // read and dropped, or, when it is large, the connection is closed after the answer — never left for
  // the next request on a kept-alive connection to stumble over.
  if (!req.raw.complete && !(await drain(req.raw))) reply.header('connection', 'close');
  dropRepresentationHeaders(reply);
  return sendDescribed(req, reply, d);
}

/**
 * A handler may fail after it chose its answer's headers: a download whose blob store fails before the
 * first byte (an unreachable bucket) has set the file's type, length and name. The error must not go
 * out under them (a JSON body announced as octets, of the file's length). Fastify has already copied
 * them onto the raw response when it started the stream, so they go from both.
 */
const REPRESENTATION = ['content-type', 'content-length', 'content-disposition', 'content-encoding', 'repr-digest', 'etag', 'last-modified'];
function dropRepresentationHeaders(reply: FastifyReply) {
  if (reply.raw.headersSent) return;
  for (const h of REPRESENTATION) {
    reply.removeHeader(h);
    reply.raw.removeHeader(h);
  }
}

export function sendNotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0] ?? '';
  const message = path.startsWith('/scim/') ? 'No such SCIM endpoint' : path.startsWith('/api/') ? 'No such API endpoint' : 'Not found';
  return sendDescribed(req, reply, { status: 404, message, internal: false });
}
