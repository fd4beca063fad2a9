// Self-test of the SimpleSAMLphp IdP harness and the test browser.
// Run: node --import tsx --test test/peers/simplesamlphp.test.ts

import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';

import {
  captureSamlResponse,
  createBrowser,
  idpInitiated,
  idpInitiatedUrl,
  IdpLoginError,
  loginThroughIdp,
} from './browser.js';
import { startIdp, type RunningIdp } from './simplesamlphp.js';

const ALICE_OID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

interface AcsPost {
  url: string;
  contentType: string | undefined;
  fields: URLSearchParams;
}

/** A stand-in SP: /acs records POSTs; /login starts an SP-initiated login (HTTP-Redirect). */
class FakeSp {
  readonly posts: AcsPost[] = [];
  lastRequestId: string | undefined;
  baseUrl = '';
  ssoUrl = '';
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  get acsUrl(): string {
    return `${this.baseUrl}/saml/tenant-x/acs`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'POST' && url.pathname === '/saml/tenant-x/acs') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.posts.push({
          url: url.toString(),
          contentType: req.headers['content-type'],
          fields: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(302, { location: '/home', 'set-cookie': 'sx_session=abc123; Path=/; HttpOnly; SameSite=Lax' });
        res.end();
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/login') {
      const id = `_req${Date.now()}${Math.random().toString(16).slice(2)}`;
      this.lastRequestId = id;
      const authnRequest =
        `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
        `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" ` +
        `IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" Destination="${this.ssoUrl}" ` +
        `AssertionConsumerServiceURL="${this.acsUrl}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
        `<saml:Issuer>tenant-x</saml:Issuer></samlp:AuthnRequest>`;
      const sso = new URL(this.ssoUrl);
      sso.searchParams.set('SAMLRequest', deflateRawSync(authnRequest).toString('base64'));
      sso.searchParams.set('RelayState', '/after-login');
      res.writeHead(302, { location: sso.toString() });
      res.end();
      return;
    }
    res.writeHead(404).end();
  }
}

describe('SimpleSAMLphp IdP harness', () => {
  const sp = new FakeSp();
  let idp: RunningIdp;

  before(async () => {
    await sp.listen();
    idp = await startIdp({ sps: [{ entityId: 'tenant-x', acs: sp.acsUrl }] });
    sp.ssoUrl = idp.ssoUrl;
  });

  after(async () => {
    await idp?.stop();
    await sp.close();
  });

  test('metadata publishes the Entra-like entity ID and two signing certificates (rollover)', async () => {
    assert.equal(idp.entityId, 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/');
    assert.equal(idp.metadataUrl, `${idp.baseUrl}/simplesaml/saml2/idp/metadata.php`);
    const res = await fetch(idp.metadataUrl);
    assert.equal(res.status, 200);
    const xml = await res.text();
    // SimpleSAMLphp lists new_certificate (idp2) as signing + encryption, then the current one as
    // signing: three X509Certificate elements, two distinct certificates.
    const certs = [...xml.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map((m) =>
      (m[1] ?? '').replace(/\s+/g, ''),
    );
    assert.equal(new Set(certs).size, 2, `expected two distinct certificates, got ${certs.length} elements`);
    const signing = [...xml.matchAll(/<md:KeyDescriptor use="signing">[\s\S]*?<\/md:KeyDescriptor>/g)];
    assert.equal(signing.length, 2);
    assert.ok(xml.includes(`Location="${idp.ssoUrl}"`));
  });

  test('IdP-initiated login for alice reaches the ACS with a signed assertion', async () => {
    const browser = createBrowser();
    const before = sp.posts.length;
    const res = await idpInitiated(browser, idp.ssoUrl, 'tenant-x', 'alice', 'alice-pass', { relayState: '/docs' });

    // the ACS response is returned unfollowed
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/home');
    assert.match(res.headers.getSetCookie().join('\n'), /sx_session=abc123/);
    assert.equal(browser.getCookie(sp.baseUrl + '/home', 'sx_session'), 'abc123');
    assert.equal(browser.cookieHeaderFor(sp.baseUrl + '/'), 'sx_session=abc123', 'IdP cookies stay on the IdP port');
    assert.match(browser.cookieHeaderFor(idp.baseUrl + '/simplesaml/'), /PHPSESSID=/);

    assert.equal(sp.posts.length, before + 1);
    const post = sp.posts.at(-1)!;
    assert.equal(post.contentType, 'application/x-www-form-urlencoded');
    assert.equal(post.fields.get('RelayState'), '/docs');
    const xml = Buffer.from(post.fields.get('SAMLResponse') ?? '', 'base64').toString('utf8');
    assert.ok(xml.includes(ALICE_OID), 'objectidentifier claim');
    assert.ok(xml.includes('<ds:Signature'), 'ds:Signature');
    assert.ok(xml.includes('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'));
    assert.match(xml, /<saml:NameID[^>]*>alice@contoso\.example<\/saml:NameID>/);
    assert.match(xml, /<saml:Audience>tenant-x<\/saml:Audience>/);
    assert.ok(!xml.includes('Name="upn"'), 'raw upn attribute removed like Entra');
    // default: assertion signed, response not: the only Signature sits inside the Assertion
    assert.equal(xml.match(/<ds:Signature\b/g)?.length, 1);
    assert.ok(xml.indexOf('<saml:Assertion') < xml.indexOf('<ds:Signature'));
  });

  test('a wrong password does not reach the ACS', async () => {
    const browser = createBrowser();
    const before = sp.posts.length;
    await assert.rejects(
      idpInitiated(browser, idp.ssoUrl, 'tenant-x', 'alice', 'not-alice-pass'),
      (e: unknown) => e instanceof IdpLoginError && /Incorrect username or password/.test(e.message),
    );
    assert.equal(sp.posts.length, before);
  });

  test('SP-initiated login (HTTP-Redirect AuthnRequest) answers InResponseTo; a 2nd login reuses the IdP session', async () => {
    const browser = createBrowser();
    const before = sp.posts.length;
    const res = await loginThroughIdp(browser, `${sp.baseUrl}/login`, 'alice', 'alice-pass');
    assert.equal(res.status, 302);
    assert.equal(sp.posts.length, before + 1);
    const post = sp.posts.at(-1)!;
    assert.equal(post.fields.get('RelayState'), '/after-login');
    const xml = Buffer.from(post.fields.get('SAMLResponse') ?? '', 'base64').toString('utf8');
    assert.ok(xml.includes(`InResponseTo="${sp.lastRequestId}"`));
    assert.ok(xml.includes(ALICE_OID));

    // same browser: SimpleSAMLphp skips the login form (password irrelevant now)
    const captured = await captureSamlResponse(browser, `${sp.baseUrl}/login`, 'alice', 'ignored');
    assert.ok(captured.xml.includes(`InResponseTo="${sp.lastRequestId}"`));
  });

  test('captureSamlResponse returns the raw form values without posting them', async () => {
    const browser = createBrowser();
    const before = sp.posts.length;
    const captured = await captureSamlResponse(
      browser,
      idpInitiatedUrl(idp.ssoUrl, 'tenant-x', '/r?a=1&b=<2>'),
      'mallory',
      'mallory-pass',
    );
    assert.equal(sp.posts.length, before, 'nothing posted');
    assert.equal(captured.action, sp.acsUrl);
    assert.equal(captured.relayState, '/r?a=1&b=<2>', 'HTML entities decoded');
    assert.match(captured.samlResponse, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(captured.xml.includes('9a9a9a9a-0000-4000-8000-000000000bad'));
    assert.ok(!captured.xml.includes(ALICE_OID));
  });
});
