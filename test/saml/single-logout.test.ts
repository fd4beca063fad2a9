// Logout: local sign-out, SP-initiated single logout through the IdP, and an IdP's LogoutRequest that
// ends the user's session here; a forged (unsigned, SessionIndex-less) LogoutRequest ends nothing.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { api } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, loginThroughIdp } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

describe('single logout', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let t: TenantValues;

  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Slo', 'slo');
    idp = await startIdp({ sps: [{ entityId: 'slo', acs: t.samlUrl, slo: `${server.url}/saml/slo/slo` }] });
    await trustIdp(server, 'slo', idp);
    await provisionAlice(t);
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  async function signedIn() {
    const b = createBrowser();
    assert.equal((await loginThroughIdp(b, `${server.url}/saml/slo/login`, 'alice', 'alice-pass')).status, 303);
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 200);
    return b;
  }

  it('SP-initiated: the session ends here and the IdP is told, which answers back', async () => {
    const b = await signedIn();
    const res = await b.fetch(`${server.url}/saml/slo/logout`);
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(idp.baseUrl) && location.includes('SAMLRequest='), location);
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 401);
    const back = await b.follow(location);
    assert.ok(back.status < 400, `the IdP took our LogoutRequest and answered: ${back.status}`);
  });

  it('a forged, unsigned LogoutRequest without SessionIndex ends no session', async () => {
    const b = await signedIn();
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_forged1" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${server.url}/saml/slo/slo"><saml:Issuer>${idp.entityId}</saml:Issuer><saml:NameID>alice@contoso.example</saml:NameID></samlp:LogoutRequest>`;
    const url = `${server.url}/saml/slo/slo?SAMLRequest=${encodeURIComponent(deflateRawSync(xml).toString('base64'))}`;
    const res = await fetch(url, { redirect: 'manual' });
    assert.ok(res.status === 302 || res.status === 400, String(res.status));
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 200, 'still signed in');
    const bad = await fetch(`${server.url}/saml/slo/slo?SAMLRequest=%%%`, { redirect: 'manual' });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /text\/html/);
  });

  it('local sign-out through the API ends the session', async () => {
    const b = await signedIn();
    const before = countRows(server.dataDir, 'sessions');
    assert.equal((await api(b, server.url, 'POST', '/api/logout')).status, 204);
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 401);
    assert.equal(countRows(server.dataDir, 'sessions'), before - 1);
  });
});

describe('IdP-initiated single logout', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  before(async () => {
    server = await startServer();
    const t = await createTenant(server, 'Slo2', 'slo2');
    idp = await startIdp({ sps: [{ entityId: 'slo2', acs: t.samlUrl, slo: `${server.url}/saml/slo2/slo` }] });
    await trustIdp(server, 'slo2', idp);
    await provisionAlice(t);
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  it('the IdP\'s LogoutRequest ends the session here', async () => {
    const b = createBrowser();
    assert.equal((await loginThroughIdp(b, `${server.url}/saml/slo2/login`, 'alice', 'alice-pass')).status, 303);
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 200);
    const res = await b.follow(`${idp.baseUrl}/simplesaml/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(`${idp.baseUrl}/simplesaml/`)}`);
    assert.ok(res.status < 500, String(res.status));
    assert.equal(countRows(server.dataDir, 'audit_log', "action = 'signout.idp'"), 1, await res.text());
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 401);
  });
});
