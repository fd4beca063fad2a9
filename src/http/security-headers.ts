// Helmet's security headers on every answer. Helmet's middleware is built once here: @fastify/helmet
// built it anew for every request (parsing the CSP directives each time), a tenth of a SCIM lookup's CPU.
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export function securityHeaders(app: FastifyInstance, options: HelmetOptions) {
  const apply = helmet(options);
  app.addHook('onRequest', (req, reply, done) => apply(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
}
