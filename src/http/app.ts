// The Fastify application: protocol plugins mounted on one server, each with its own error format.
import crypto from 'node:crypto';
import http from 'node:http';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Ctx } from '../domain/context.js';
import { invalid } from '../errors.js';
import { sendError, sendNotFound } from './error-responses.js';
import { checkDepth } from './json-depth.js';
import { registerOpenApi } from './openapi.js';
import { securityHeaders } from './security-headers.js';
import { apiRoutes } from './routes/api/index.js';
import { healthRoutes } from './routes/health.js';
import { webRoutes } from './routes/web.js';
import { samlRoutes } from './routes/saml/index.js';
import { scimRoutes } from './routes/scim/index.js';

const BODY_LIMIT = 1024 * 1024;

export async function buildApp(ctx: Ctx): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Request ids: a client-sent one is kept only if it looks like an id, so logs cannot be forged.
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && /^[\w.-]{8,64}$/.test(sent) ? sent : crypto.randomUUID();
    },
    trustProxy: false,
    // 64 KiB of request head: a SCIM filter may be 4,096 characters, and percent-encoded non-ASCII
    // takes up to 9 bytes each; Node's 16 KiB default would answer such a request with a bare 431.
    serverFactory: (handler) => http.createServer({ maxHeaderSize: 64 * 1024 }, handler),
    // Malformed URLs (bad percent-encoding, overlong parameters) answer in the path's protocol too.
    frameworkErrors: (err, req, reply) => sendError(Object.assign(err, { statusCode: 400 }), req, reply),
    // Case-insensitive paths: Microsoft's SCIM validator calls /users as well as /Users (params keep their case).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
  });
  // U+0000 cannot be stored in PostgreSQL text (SQLite would take it): refused on both dialects alike,
  // in a URL (an id, a filter, a search) here and in a JSON body by checkDepth.
  // Hooks that do not wait are written with `done`: an async hook costs a promise on every request.
  app.addHook('onRequest', (req, _reply, done) => {
    done(req.url.includes('%00') ? invalid('The URL holds the character U+0000', 'invalidValue') : undefined);
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });

  // Entra sends `application/scim+json`, which Fastify answers with 415 unless it is registered.
  // Both JSON types are depth-checked: a body nested thousands deep would exhaust the stack later.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (req, body, done) => {
    json(req, body as string, (err, value) => (err ? done(err, undefined) : done(checkDepth(value), value)));
  });
  // The ACS receives HTML form posts (SAML HTTP-POST binding).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  securityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        // The web app is one module script and one stylesheet from 'self': no inline script and no
        // inline style (React sets styles through the CSSOM, which style-src does not govern).
        'default-src': ["'self'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'],
        'object-src': ["'none'"], 'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"], 'form-action': ["'self'", 'https:', 'http:'],
        // Only where the service is published over https; on plain http it would break every sub-request.
        'upgrade-insecure-requests': ctx.config.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    hsts: ctx.config.publicUrl.startsWith('https:'),
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 10, parts: 20 } });

  app.setErrorHandler(async (err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler(async (req, reply) => sendNotFound(req, reply));

  await registerOpenApi(app);
  await app.register(healthRoutes, { ctx });
  await app.register(webRoutes, { ctx });
  await app.register(samlRoutes, { ctx });
  await app.register(scimRoutes, { ctx, prefix: '/scim/v2/:tenantId' });
  await app.register(apiRoutes, { ctx, prefix: '/api' });
  return app;
}
