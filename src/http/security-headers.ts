// Helmet's security headers on every answer. The headers do not depend on the request (the CSP has no
// nonce), so helmet runs once, against a recorder, and each answer gets the recorded headers: running
// helmet's eleven middlewares per request was a tenth of a SCIM lookup's CPU.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** What helmet does to a response: the headers it sets and the ones it removes. */
export function helmetHeaders(options: HelmetOptions): { set: Array<[string, string]>; removed: string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) { set.set(name, String(value)); return recorder; },
    removeHeader(name: string) { set.delete(name); removed.push(name); },
    getHeader: () => undefined,
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => { failure = err; });
  if (failure) throw failure;
  return { set: [...set], removed };
}

export function securityHeaders(app: FastifyInstance, options: HelmetOptions) {
  const { set, removed } = helmetHeaders(options);
  app.addHook('onRequest', (_req, reply, done) => {
    const res = reply.raw;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    done();
  });
}
