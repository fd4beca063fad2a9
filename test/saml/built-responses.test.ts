// Responses built by the test from a genuine one of the Entra-shaped IdP, run through the SP's own
// validation in-process (so the clock can be moved): each alteration is refused, the original accepted.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import type { CacheProvider } from '@node-saml/node-saml';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import type { SpSettings } from '../../src/saml/service-provider.js';
import { SamlRejected, validateSamlResponse } from '../../src/saml/validate-response.js';
import { captureSamlResponse, createBrowser, idpInitiatedUrl, type CapturedSamlResponse } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';

const ACS = 'https://sx.example/saml/built/acs';
const noRequests: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null };
const b64 = (xml: string) => Buffer.from(xml).toString('base64');

describe('responses built from a genuine one', () => {
  let idp: RunningIdp;
  let sp: SpSettings;
  let genuine: CapturedSamlResponse;
  const browser = createBrowser();

  before(async () => {
    idp = await startIdp({ sps: [{ entityId: 'built', acs: ACS }] });
    sp = {
      tenantId: 'built', acsUrl: ACS, idp: parseIdpMetadata(await (await fetch(idp.metadataUrl)).text()),
      clockSkewMs: 180_000, requests: noRequests, allowIdpInitiated: true, allowSha1: false,
    };
  });
  after(async () => idp?.stop());
  afterEach(() => mock.timers.reset());

  const fresh = async () => (genuine = await captureSamlResponse(browser, idpInitiatedUrl(idp.ssoUrl, 'built'), 'alice', 'alice-pass'));
  const rejects = async (xml: string, reason: RegExp, settings: SpSettings = sp) => {
    await assert.rejects(validateSamlResponse(settings, b64(xml)), (e: unknown) => e instanceof SamlRejected && reason.test(e.reason));
  };
  const assertion = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];

  it('the genuine response is accepted (the baseline every case below departs from)', async () => {
    await fresh();
    const id = await validateSamlResponse(sp, genuine.samlResponse);
    assert.equal(id.objectId, '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    assert.equal(id.nameId, 'alice@contoso.example');
  });

  it('a comment inside NameID', async () => {
    await fresh();
    await rejects(genuine.xml.replace(/(<saml:NameID[^>]*>)([^<]+)/, '$1$2<!-- x -->.evil.example'), /comment/i);
  });

  it('a second assertion', async () => {
    await fresh();
    const a = assertion(genuine.xml);
    await rejects(genuine.xml.replace(a, a + a.replace(/ID="[^"]+"/, 'ID="_copy"')), /multiple assertions|Invalid signature/i);
  });

  it('an unsigned assertion before the signed one, and one wrapped around it', async () => {
    await fresh();
    const a = assertion(genuine.xml);
    const evil = a.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '').replace(/ID="[^"]+"/, 'ID="_evil"')
      .replaceAll('3f2504e0-4f89-11d3-9a0c-0305e82c3301', '9a9a9a9a-0000-4000-8000-000000000bad');
    await rejects(genuine.xml.replace(a, evil + a), /multiple assertions|Invalid signature/i);
    const around = evil.replace('</saml:Assertion>', `<saml:Advice>${a}</saml:Advice></saml:Assertion>`);
    await rejects(genuine.xml.replace(a, around), /signature/i);
  });

  it('another audience, recipient or issuer than the tenant\'s', async () => {
    await fresh();
    await rejects(genuine.xml, /Audience/, { ...sp, tenantId: 'someone-else' });
    await rejects(genuine.xml, /Recipient/, { ...sp, acsUrl: 'https://sx.example/saml/other/acs' });
    await rejects(genuine.xml, /Issuer/, { ...sp, idp: { ...sp.idp, entityId: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' } });
  });

  it('expired, and not yet valid (a clock that is off), each told apart', async () => {
    await fresh();
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 2 * 3600_000 });
    await assert.rejects(validateSamlResponse(sp, genuine.samlResponse), (e: unknown) => e instanceof SamlRejected && e.code === 'expired');
    mock.timers.reset();
    mock.timers.enable({ apis: ['Date'], now: Date.now() - 3600_000 });
    await assert.rejects(validateSamlResponse(sp, genuine.samlResponse),
      (e: unknown) => e instanceof SamlRejected && e.code === 'clock_behind' && /about 60 min ahead/.test(e.detail ?? ''));
  });

  it('a DOCTYPE with entity expansion fails fast, and an oversized body is refused unread', async () => {
    await fresh();
    const lol = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i ? 'b'.repeat(i) : 'a'};`.repeat(10)}">`).join('') + ']>';
    const started = performance.now();
    await rejects(genuine.xml.replace(/^(<\?xml[^>]*>)?/, `$1${lol}`), /DTD/);
    assert.ok(performance.now() - started < 200, 'refused before any parsing');
    await assert.rejects(validateSamlResponse(sp, 'A'.repeat(600 * 1024)), (e: unknown) => e instanceof SamlRejected && /too large/.test(e.reason));
  });

  it('an unsolicited response is refused where the tenant allows only its own requests', async () => {
    await fresh();
    await assert.rejects(validateSamlResponse({ ...sp, allowIdpInitiated: false }, genuine.samlResponse),
      (e: unknown) => e instanceof SamlRejected && e.code === 'unsolicited');
  });
});
