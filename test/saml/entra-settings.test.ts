// Whatever a tenant's admin picks in Entra, sign-in works: the three signing options, SP- and
// IdP-initiated, the portal's "Test single sign-on" button, and a certificate rollover that needs no
// step on SecureExchange's side because every certificate of the metadata is trusted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sessionCookie } from '../helpers/api.js';
import { foreignAuthnRequestUrl } from '../helpers/saml-requests.js';
import { entraUser, scim } from '../helpers/scim.js';
import { createTenant, sharedDir, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { captureSamlResponse, createBrowser, idpInitiatedUrl, loginThroughIdp, postSamlResponse } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';

const ALICE = { userName: 'alice@contoso.example', externalId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' };
const OPTIONS = [
  { id: 'sig-assertion', signAssertion: true, signResponse: false, label: 'assertion signed (Entra default)' },
  { id: 'sig-both', signAssertion: true, signResponse: true, label: 'response and assertion signed' },
  { id: 'sig-response', signAssertion: false, signResponse: true, label: 'response signed only' },
];

describe('Entra SAML settings', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let rolled: RunningIdp;
  const tenants: Record<string, TenantValues> = {};
  let tmp: string;

  before(async () => {
    server = await startServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-md-'));
    for (const o of [...OPTIONS, { id: 'old-cert-only' }]) tenants[o.id] = await createTenant(server, o.id, o.id);
    const sps = [...OPTIONS, { id: 'old-cert-only', signAssertion: true, signResponse: false }]
      .map((o) => ({ entityId: o.id, acs: tenants[o.id]!.samlUrl, signAssertion: o.signAssertion, signResponse: o.signResponse }));
    idp = await startIdp({ sps });
    rolled = await startIdp({ sps, rolledOver: true });
    for (const o of OPTIONS) {
      assert.equal((await server.cli(['idp', 'import', '--tenant', o.id, '--metadata', idp.metadataUrl])).code, 0);
    }
    // A tenant that trusts only the current certificate: the rolled-over IdP must fail there.
    const xml = await (await fetch(idp.metadataUrl)).text();
    const idp2 = fs.readFileSync(path.join(sharedDir, 'peers/simplesamlphp/cert/idp2.crt'), 'utf8')
      .replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const oldOnly = xml.replace(/<md:KeyDescriptor[^>]*>(?:(?!<\/md:KeyDescriptor>)[\s\S])*?<\/md:KeyDescriptor>/g,
      (kd) => (kd.replace(/\s+/g, '').includes(idp2.slice(0, 200)) ? '' : kd));
    assert.notEqual(oldOnly, xml, 'the rollover certificate was removed from the copy');
    fs.writeFileSync(path.join(tmp, 'old-only.xml'), oldOnly);
    const imp = await server.cli(['idp', 'import', '--tenant', 'old-cert-only', '--metadata', path.join(tmp, 'old-only.xml'), '--json']);
    assert.equal(JSON.parse(imp.stdout).certificates, 1, imp.stderr);
    for (const t of Object.values(tenants)) assert.equal((await scim(t, 'POST', '/Users', entraUser(ALICE))).status, 201);
  });
  after(async () => {
    await rolled?.stop();
    await idp?.stop();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const o of OPTIONS) {
    it(`${o.label}: SP-initiated and IdP-initiated sign-in`, async () => {
      const sp = await loginThroughIdp(createBrowser(), `${server.url}/saml/${o.id}/login`, 'alice', 'alice-pass');
      assert.equal(sp.status, 303, await sp.text());
      assert.ok(sessionCookie(sp));
      const tile = await loginThroughIdp(createBrowser(), idpInitiatedUrl(idp.ssoUrl, o.id, '/exchanges'), 'alice', 'alice-pass');
      assert.equal(tile.status, 303, await tile.text());
      assert.equal(tile.headers.get('location'), '/exchanges');
    });
  }

  it('the portal\'s Test button (an InResponseTo we never issued) signs in', async () => {
    const t = tenants['sig-assertion']!;
    const res = await loginThroughIdp(createBrowser(), foreignAuthnRequestUrl(idp.ssoUrl, 'sig-assertion', t.samlUrl), 'alice', 'alice-pass');
    assert.equal(res.status, 303, await res.text());
  });

  it('a tenant that refuses IdP-initiated sign-in refuses the tile and the Test button, not its own requests', async () => {
    const t = tenants['sig-both']!;
    assert.equal((await server.cli(['tenant', 'set', '--tenant', 'sig-both', '--allow-idp-initiated', 'false'])).code, 0);
    for (const url of [idpInitiatedUrl(idp.ssoUrl, 'sig-both'), foreignAuthnRequestUrl(idp.ssoUrl, 'sig-both', t.samlUrl)]) {
      const res = await loginThroughIdp(createBrowser(), url, 'alice', 'alice-pass');
      assert.equal(res.status, 400);
      assert.match(await res.text(), /only sign-ins started from SecureExchange/);
    }
    const own = await loginThroughIdp(createBrowser(), `${server.url}/saml/sig-both/login`, 'alice', 'alice-pass');
    assert.equal(own.status, 303);
  });

  it('after the IdP rolls over to its second certificate, sign-in works with no step on our side', async () => {
    const captured = await captureSamlResponse(createBrowser(), idpInitiatedUrl(rolled.ssoUrl, 'sig-assertion'), 'alice', 'alice-pass');
    const idp2 = fs.readFileSync(path.join(sharedDir, 'peers/simplesamlphp/cert/idp2.crt'), 'utf8')
      .replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    assert.ok(captured.xml.replace(/\s+/g, '').includes(idp2.slice(0, 120)), 'signed with the rollover key');
    const res = await postSamlResponse(createBrowser(), captured);
    assert.equal(res.status, 303, await res.text());
  });

  it('a tenant that trusts only the old certificate refuses the rolled-over IdP', async () => {
    const res = await loginThroughIdp(createBrowser(), idpInitiatedUrl(rolled.ssoUrl, 'old-cert-only'), 'alice', 'alice-pass');
    assert.equal(res.status, 400);
    const ok = await loginThroughIdp(createBrowser(), idpInitiatedUrl(idp.ssoUrl, 'old-cert-only'), 'alice', 'alice-pass');
    assert.equal(ok.status, 303, 'and still accepts the current one');
  });
});
