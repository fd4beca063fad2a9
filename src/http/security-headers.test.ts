import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { helmetHeaders, securityHeaders } from './security-headers.js';

describe('security headers (helmet, recorded once)', () => {
  it('sets helmet\'s headers on every answer, HSTS only when asked', async () => {
    const app = Fastify();
    securityHeaders(app, { contentSecurityPolicy: { directives: { 'default-src': ["'self'"], 'frame-ancestors': ["'none'"] } }, hsts: false });
    app.get('/x', async () => ({ ok: true }));
    app.get('/own-csp', async (_req, reply) => reply.header('content-security-policy', "default-src 'none'").send('x'));
    const res = await app.inject({ method: 'GET', url: '/x' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['strict-transport-security'], undefined);
    assert.equal(res.headers['x-powered-by'], undefined);
    // A route may set its own header over the recorded one.
    const own = await app.inject({ method: 'GET', url: '/own-csp' });
    assert.equal(own.headers['content-security-policy'], "default-src 'none'");
    await app.close();
  });

  it('records HSTS when the service is published over https', () => {
    const { set } = helmetHeaders({ hsts: true });
    assert.match(new Map(set).get('Strict-Transport-Security') ?? '', /max-age=\d+/);
    assert.ok(helmetHeaders({ hsts: false }).set.every(([name]) => name.toLowerCase() !== 'strict-transport-security'));
  });
});
