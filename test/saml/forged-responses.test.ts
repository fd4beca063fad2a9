// A SAML response that is unsigned, altered after signing, or meant for another tenant yields no session
// and writes nothing. Each tampered response starts from a fresh genuine one captured from the real IdP
// (IdP-initiated, so no request id is burnt by the refused attempt), and that genuine response is then
// posted and accepted: every refusal is shown to be for the tampering, not for something else.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { sessionCookie } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { entraUser, scim } from '../helpers/scim.js';
import { createTenant, sharedDir, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { captureSamlResponse, createBrowser, idpInitiatedUrl, postSamlResponse, type CapturedSamlResponse } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

const ALICE_OID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const MALLORY_OID = '9a9a9a9a-0000-4000-8000-000000000bad';
const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

describe('forged SAML responses', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let acme: TenantValues;
  let beta: TenantValues;
  const idpBrowser = createBrowser();
  let genuine: CapturedSamlResponse;

  before(async () => {
    server = await startServer();
    acme = await createTenant(server, 'Acme', 'acme');
    beta = await createTenant(server, 'Beta', 'beta');
    idp = await startIdp({ sps: [{ entityId: 'acme', acs: acme.samlUrl }, { entityId: 'beta', acs: beta.samlUrl }] });
    for (const t of [acme, beta]) {
      await trustIdp(server, t.tenantId, idp);
      await provisionAlice(t);
    }
    assert.equal((await scim(acme, 'POST', '/Users', entraUser({ userName: 'mallory@contoso.example', externalId: MALLORY_OID }))).status, 201);
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  beforeEach(async () => {
    genuine = await captureSamlResponse(idpBrowser, idpInitiatedUrl(idp.ssoUrl, 'acme'), 'alice', 'alice-pass');
    assert.match(genuine.xml, /<ds:Signature/);
  });
  afterEach(async (t) => {
    if (t.name.startsWith('SP-initiated')) return;
    const res = await postSamlResponse(createBrowser(), genuine);
    assert.equal(res.status, 303, `the untampered response is accepted: ${await res.text()}`);
  });

  const written = () => countRows(server.dataDir, 'sessions') + countRows(server.dataDir, 'saml_replay') + countRows(server.dataDir, 'users');

  async function refused(samlResponse: string, action = genuine.action) {
    const before = written();
    const res = await postSamlResponse(createBrowser(), genuine, { samlResponse, action });
    const html = await res.text();
    assert.ok(res.status === 400 || res.status === 403, `status ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html, /Sign-in failed/);
    assert.doesNotMatch(html, /node_modules|Error:|at \w+ \(/);
    assert.equal(sessionCookie(res), undefined);
    assert.equal(written(), before, 'nothing written');
  }

  it('unsigned: the signature removed', async () => {
    await refused(b64(genuine.xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')));
  });

  it('altered after signing: another objectidentifier', async () => {
    assert.ok(genuine.xml.includes(ALICE_OID));
    await refused(b64(genuine.xml.replaceAll(ALICE_OID, MALLORY_OID)));
  });

  it('altered after signing: another NameID', async () => {
    await refused(b64(genuine.xml.replace(/(<saml:NameID[^>]*>)[^<]+/, '$1mallory@contoso.example')));
  });

  it('altered after signing: one space added to a claim inside the signed assertion', async () => {
    assert.ok(genuine.xml.includes('>Alice<'));
    await refused(b64(genuine.xml.replace('>Alice<', '>Alice <')));
  });

  it('a DOCTYPE is refused before parsing', async () => {
    await refused(b64(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>${genuine.xml.replace(/^<\?xml[^>]*>/, '')}`));
  });

  it('a response signed for acme, posted to beta\'s ACS', async () => {
    await refused(genuine.samlResponse, beta.samlUrl);
  });

  it('a real response of another library\'s suite, signed by a certificate acme does not trust', async () => {
    const file = path.join(sharedDir, 'fixtures/saml/node-saml+node-saml/test/static/signatures/valid/response.root-unsigned.assertion-signed.xml');
    await refused(fs.readFileSync(file).toString('base64'));
  });

  it('garbage: not base64, empty, huge', async () => {
    await refused('%%%not-base64%%%');
    await refused('');
    await refused('A'.repeat(600 * 1024));
  });

  it('SP-initiated: the response to our request signs in once; replayed, it is refused', async () => {
    const sp = await captureSamlResponse(createBrowser(), `${server.url}/saml/acme/login`, 'alice', 'alice-pass');
    assert.match(sp.xml, /InResponseTo="_/);
    const first = await postSamlResponse(createBrowser(), sp);
    assert.equal(first.status, 303, await first.text());
    assert.ok(sessionCookie(first));
    const sessions = countRows(server.dataDir, 'sessions');
    const again = await postSamlResponse(createBrowser(), sp);
    assert.ok(again.status === 400 || again.status === 403, String(again.status));
    assert.equal(sessionCookie(again), undefined);
    assert.equal(countRows(server.dataDir, 'sessions'), sessions);
  });

  it('SP-initiated: InResponseTo altered inside the signed assertion is refused', async () => {
    const sp = await captureSamlResponse(createBrowser(), `${server.url}/saml/acme/login`, 'alice', 'alice-pass');
    const forgedId = sp.xml.replaceAll(/InResponseTo="[^"]+"/g, 'InResponseTo="_0000"');
    await refused(b64(forgedId));
  });
});
