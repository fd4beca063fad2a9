// /api/docs describes every JSON API route the server has, and nothing of SCIM or SAML.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('OpenAPI document', () => {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => server?.stop());

  it('is OpenAPI 3.1 with the API routes and their session schemes', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    assert.equal(res.status, 200);
    const doc = await res.json() as { openapi: string; paths: Record<string, Record<string, { tags: string[] }>>; components: { securitySchemes: Record<string, unknown> } };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/api/exchanges', '/api/exchanges/{id}/documents', '/api/tenant/login', '/api/me']) assert.ok(doc.paths[p], `${p} is described`);
    assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/api/')), 'only /api routes');
    for (const [p, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) assert.ok(op.tags?.length && !op.tags.includes('untagged'), `${m} ${p} has a tag`);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['clientSession', 'staffSession', 'tenantSession']);
  });
});
