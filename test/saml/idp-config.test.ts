// The tenant configures its IdP itself (metadata XML or URL), sees every certificate's dates, and a
// URL is refreshed on schedule: a failed refresh keeps the last good metadata and shows the error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openContext } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import type { Ctx } from '../../src/domain/context.js';
import { refreshDueMetadata } from '../../src/domain/idp/refresh-idp-metadata.js';
import { createLogger } from '../../src/logger.js';
import { api } from '../helpers/api.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, type Browser } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';

describe('IdP configuration by the tenant', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let t: TenantValues;
  let ctx: Ctx;
  const console: Browser = createBrowser();

  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Idp', 'idp-tenant');
    idp = await startIdp({ sps: [{ entityId: 'idp-tenant', acs: t.samlUrl }] });
    ctx = await openContext(loadConfig(server.env), createLogger('silent'));
    assert.equal((await api(console, server.url, 'POST', '/api/tenant/login', { username: t.username, password: t.password })).status, 200);
  });
  after(async () => {
    await ctx?.db.destroy();
    await idp?.stop();
    await server?.stop();
  });

  it('needs the tenant\'s own session', async () => {
    assert.equal((await api(createBrowser(), server.url, 'PUT', '/api/tenant/idp', { metadataUrl: idp.metadataUrl })).status, 401);
  });

  it('imports from the App Federation Metadata URL and shows each certificate with its dates', async () => {
    const r = await api(console, server.url, 'PUT', '/api/tenant/idp', { metadataUrl: idp.metadataUrl });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.entityId, idp.entityId);
    assert.equal(r.body.sourceUrl, idp.metadataUrl);
    assert.equal(r.body.certificates.length, 2);
    for (const c of r.body.certificates) {
      assert.ok(Date.parse(c.notAfter) > Date.now());
      assert.equal(typeof c.expiresWithin30Days, 'boolean');
      assert.match(c.fingerprint256, /^[0-9A-F:]+$/);
    }
    const nextRefresh = Date.parse(r.body.nextRefreshAt) - Date.now();
    assert.ok(nextRefresh > 10.9 * 3600_000 && nextRefresh < 13.1 * 3600_000, 'about 12 hours, jittered');
  });

  it('refuses what is not IdP metadata, and keeps the configuration it had', async () => {
    for (const body of [
      { metadataXml: '<x/>' },
      { metadataXml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>' },
      { metadataUrl: 'ftp://example.invalid/md.xml' },
      { metadataXml: '<a/>', metadataUrl: idp.metadataUrl },
      {},
    ]) {
      const r = await api(console, server.url, 'PUT', '/api/tenant/idp', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(typeof r.body.error.message, 'string');
    }
    assert.equal((await api(console, server.url, 'GET', '/api/tenant/idp')).body.entityId, idp.entityId);
  });

  it('a scheduled refresh that fails keeps the last good metadata and shows the error; a later one clears it', async () => {
    await ctx.db.updateTable('idp_configs').set({ source_url: 'http://127.0.0.1:9/unreachable.xml', next_refresh_at: new Date(0).toISOString() }).execute();
    assert.deepEqual(await refreshDueMetadata(ctx), { refreshed: 0, failed: 1 });
    const failed = await api(console, server.url, 'GET', '/api/tenant/idp');
    assert.match(failed.body.refreshError, /Could not fetch/);
    assert.equal(failed.body.certificates.length, 2, 'the last good metadata stays');
    assert.ok(Date.parse(failed.body.nextRefreshAt) > Date.now(), 'tried again later, not in a loop');

    await ctx.db.updateTable('idp_configs').set({ source_url: idp.metadataUrl, next_refresh_at: new Date(0).toISOString() }).execute();
    assert.deepEqual(await refreshDueMetadata(ctx), { refreshed: 1, failed: 0 });
    assert.equal((await api(console, server.url, 'GET', '/api/tenant/idp')).body.refreshError, null);
  });

  it('the SAML policy is the tenant\'s to change', async () => {
    assert.deepEqual((await api(console, server.url, 'GET', '/api/tenant/saml-policy')).body, { allowIdpInitiated: true, allowSha1: false });
    const r = await api(console, server.url, 'PATCH', '/api/tenant/saml-policy', { allowIdpInitiated: false });
    assert.deepEqual(r.body, { allowIdpInitiated: false, allowSha1: false });
    assert.equal((await api(console, server.url, 'PATCH', '/api/tenant/saml-policy', { allowSha1: 'yes' })).status, 400);
  });

  it('refused sign-ins are listed for the tenant', async () => {
    const res = await fetch(t.samlUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'SAMLResponse=PHg%2BPC94Pg%3D%3D' });
    assert.equal(res.status, 400);
    const list = await api(console, server.url, 'GET', '/api/tenant/signin-failures');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.length >= 1);
    assert.equal(typeof list.body.items[0].reason, 'string');
  });
});

describe('housekeeping of sign-in state', () => {
  it('removes expired request ids, replay entries and sessions, and keeps live ones', async () => {
    const { pruneExpired } = await import('../../src/domain/sessions/prune-expired.js');
    const { openDatabase } = await import('../../src/storage/db/index.js');
    const { scratchDatabase } = await import('../helpers/test-database.js');
    const scratch = await scratchDatabase();
    const db = await openDatabase(scratch.target);
    try {
      const past = new Date(Date.now() - 60_000).toISOString();
      const future = new Date(Date.now() + 60_000).toISOString();
      await db.insertInto('saml_requests').values([
        { id: '_old', tenant_id: 't', created_at: past, expires_at: past }, { id: '_new', tenant_id: 't', created_at: past, expires_at: future },
      ]).execute();
      await db.insertInto('saml_replay').values([
        { tenant_id: 't', assertion_id: 'a', expires_at: past }, { tenant_id: 't', assertion_id: 'b', expires_at: future },
      ]).execute();
      assert.equal(await pruneExpired({ db }), 2);
      assert.deepEqual((await db.selectFrom('saml_requests').select('id').execute()).map((r) => r.id), ['_new']);
      assert.deepEqual((await db.selectFrom('saml_replay').select('assertion_id').execute()).map((r) => r.assertion_id), ['b']);
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });
});
