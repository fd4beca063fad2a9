// Hostile input at the SAML and IdP-configuration surfaces, found by a second review and kept as tests:
// XML shaped to make the parser crawl, signed LogoutRequests that are weak, stale, replayed or aimed at
// another tenant, metadata URLs with endless bodies, and the tenant sign-in lockout raced in parallel.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { api } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { createTenant, freePort, sharedDir, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, loginThroughIdp, type Browser } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

const IDP_KEY = fs.readFileSync(path.join(sharedDir, 'peers/simplesamlphp/cert/idp.key'), 'utf8');
const SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

describe('hostile SAML and IdP input', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let a: TenantValues;
  let b: TenantValues;

  before(async () => {
    server = await startServer();
    a = await createTenant(server, 'HA', 'ha');
    b = await createTenant(server, 'HB', 'hb');
    idp = await startIdp({ sps: [{ entityId: 'ha', acs: a.samlUrl }, { entityId: 'hb', acs: b.samlUrl }] });
    for (const t of [a, b]) {
      await trustIdp(server, t.tenantId, idp);
      await provisionAlice(t);
    }
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  const timed = async <T>(f: () => Promise<T>) => { const t = performance.now(); const r = await f(); return { r, ms: performance.now() - t }; };

  it('XML that would make the parser crawl is refused at once: ACS, logout, metadata', async () => {
    const deep = '<a>'.repeat(20_000);
    const acs = await timed(() => fetch(a.samlUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${encodeURIComponent(Buffer.from(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${deep}`).toString('base64'))}` }));
    assert.equal(acs.r.status, 400);
    const slo = await timed(() => fetch(`${server.url}/saml/ha/slo?SAMLRequest=${encodeURIComponent(deflateRawSync(deep).toString('base64'))}`, { redirect: 'manual' }));
    assert.equal(slo.r.status, 400);
    const tenant = createBrowser();
    await api(tenant, server.url, 'POST', '/api/tenant/login', { username: a.username, password: a.password });
    const md = await timed(() => api(tenant, server.url, 'PUT', '/api/tenant/idp', { metadataXml: deep }));
    assert.equal(md.r.status, 400);
    for (const { ms } of [acs, slo, md]) assert.ok(ms < 1000, `answered in ${Math.round(ms)} ms`);
    const bomb = deflateRawSync(Buffer.alloc(8 * 1024 * 1024, 'a'));
    const inflated = await fetch(`${server.url}/saml/ha/slo?SAMLRequest=${encodeURIComponent(bomb.toString('base64'))}`, { redirect: 'manual' });
    assert.equal(inflated.status, 400, 'a deflate bomb is cut off');
  });

  describe('signed LogoutRequests', () => {
    let browser: Browser;
    const logoutUrl = (tenant: string, o: { alg?: string; issued?: Date; destination?: string; id?: string } = {}) => {
      const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" `
        + `ID="${o.id ?? `_lr${crypto.randomBytes(6).toString('hex')}`}" Version="2.0" IssueInstant="${(o.issued ?? new Date()).toISOString()}" `
        + `Destination="${o.destination ?? `${server.url}/saml/${tenant}/slo`}"><saml:Issuer>${idp.entityId}</saml:Issuer>`
        + `<saml:NameID>alice@contoso.example</saml:NameID></samlp:LogoutRequest>`;
      const alg = o.alg ?? SHA256;
      const signed = `SAMLRequest=${encodeURIComponent(deflateRawSync(xml).toString('base64'))}&SigAlg=${encodeURIComponent(alg)}`;
      const sig = crypto.sign(alg === SHA1 ? 'sha1' : 'sha256', Buffer.from(signed), IDP_KEY).toString('base64');
      return `${server.url}/saml/${tenant}/slo?${signed}&Signature=${encodeURIComponent(sig)}`;
    };
    const signedIn = async () => (await api(browser, server.url, 'GET', '/api/me')).status === 200;

    before(async () => {
      browser = createBrowser();
      assert.equal((await loginThroughIdp(browser, `${server.url}/saml/ha/login`, 'alice', 'alice-pass')).status, 303);
    });

    it('weak (SHA-1), stale, or aimed at another tenant: refused, the session lives on', async () => {
      for (const url of [
        logoutUrl('ha', { alg: SHA1 }),
        logoutUrl('ha', { issued: new Date('2001-01-01T00:00:00Z') }),
        logoutUrl('hb', { destination: `${server.url}/saml/ha/slo` }),
      ]) {
        const res = await fetch(url.startsWith(`${server.url}/saml/hb`) ? url : url, { redirect: 'manual' });
        assert.equal(res.status, 400, url);
        assert.ok(await signedIn(), 'still signed in');
      }
    });

    it('a valid one ends the session once; replayed, it is refused', async () => {
      const url = logoutUrl('ha', { id: '_once' });
      assert.equal((await fetch(url, { redirect: 'manual' })).status, 302);
      assert.equal(await signedIn(), false);
      assert.equal((await loginThroughIdp(browser, `${server.url}/saml/ha/login`, 'alice', 'alice-pass')).status, 303);
      assert.equal((await fetch(url, { redirect: 'manual' })).status, 400);
      assert.ok(await signedIn(), 'the replay ended nothing');
    });
  });

  it('a metadata URL with an endless body is cut off at 1 MiB', async () => {
    const port = await freePort();
    const endless = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => { while (res.write(chunk)) { /* until backpressure */ } };
      res.on('drain', pump);
      pump();
      res.on('close', () => res.destroy());
    }).listen(port, '127.0.0.1');
    try {
      const tenant = createBrowser();
      await api(tenant, server.url, 'POST', '/api/tenant/login', { username: b.username, password: b.password });
      const r = await api(tenant, server.url, 'PUT', '/api/tenant/idp', { metadataUrl: `http://127.0.0.1:${port}/md.xml` });
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /larger than 1 MiB/);
      const creds = await api(tenant, server.url, 'PUT', '/api/tenant/idp', { metadataUrl: `http://user:s3cret@127.0.0.1:${port}/md.xml` });
      assert.equal(creds.status, 400);
      assert.equal(JSON.stringify(creds.body).includes('s3cret'), false, 'credentials in a URL are never echoed');
      assert.equal(server.output().includes('s3cret'), false, 'nor logged');
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });

  it('thirty parallel wrong passwords still lock the tenant sign-in', async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      api(createBrowser(), server.url, 'POST', '/api/tenant/login', { username: b.username, password: `wrong-${i}` })));
    assert.ok(guesses.every((g) => g.status === 401 || g.status === 429));
    assert.ok(countRows(server.dataDir, 'audit_log', "action = 'tenant.signin.refused' and tenant_id = 'hb'") <= 5, 'at most five passwords were checked');
    const right = await api(createBrowser(), server.url, 'POST', '/api/tenant/login', { username: b.username, password: b.password });
    assert.equal(right.status, 429, 'locked, even for the right password');
  });
});
