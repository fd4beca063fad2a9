// Certificates become keys once per metadata version, never per request (src/saml/trusted-keys.ts),
// and the cache never widens trust: a response verifies only against the certificates given this time.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CacheProvider } from '@node-saml/node-saml';
import { entraDirectoryOf, parseIdpMetadata } from '../../src/saml/metadata.js';
import type { SpSettings } from '../../src/saml/service-provider.js';
import { SamlRejected, validateSamlResponse } from '../../src/saml/validate-response.js';
import { entraLikeMetadata, entraSigner, peerCertDir } from '../../bench/saml-signer.js';
import { countKeyParses } from '../helpers/key-parses.js';

const ACS = 'https://sx.example/saml/keys/acs';
const noRequests: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null };
const md = parseIdpMetadata(entraLikeMetadata());
const sp: SpSettings = {
  tenantId: 'keys', acsUrl: ACS, idp: md, clockSkewMs: 180_000, requests: noRequests, allowIdpInitiated: true, allowSha1: false,
  entraTenantId: entraDirectoryOf(md.entityId),
};
const who = () => ({ acsUrl: ACS, audience: 'keys', upn: 'kim@contoso.example', objectId: crypto.randomUUID() });
const pem = (f: string) => fs.readFileSync(path.join(peerCertDir, f), 'utf8');

/** Key and certificate parsing while `f` runs (X509Certificate constructions are not asked about here). */
async function counting(f: () => Promise<void>) {
  const { x509: _x509, ...counts } = await countKeyParses(f);
  return counts;
}

describe('trusted keys', () => {
  it('a validation after the first parses no certificate: it verifies with cached KeyObjects', async () => {
    const signer = entraSigner();
    await validateSamlResponse(sp, signer.sign(who()).samlResponse);
    const counts = await counting(async () => {
      for (let i = 0; i < 5; i++) await validateSamlResponse(sp, signer.sign(who()).samlResponse);
    });
    // If node-saml stopped using the keys we give it, this would show PEM verifies again.
    assert.deepEqual(counts, { createPublicKey: 0, pemVerify: 0, keyVerify: 5 });
  });

  it('new metadata brings its own keys: a certificate no longer listed is no longer trusted', async () => {
    const signedByIdp = entraSigner(pem('idp.key'), pem('idp.crt'));
    await validateSamlResponse(sp, signedByIdp.sign(who()).samlResponse); // both certificates' keys cached
    const onlySecond: SpSettings = { ...sp, idp: { ...md, certificates: md.certificates.filter((c) => c.replace(/\s+/g, '').includes(pem('idp2.crt').replace(/-----[^-]+-----|\s+/g, ''))) } };
    assert.equal(onlySecond.idp.certificates.length, 1);
    await assert.rejects(validateSamlResponse(onlySecond, signedByIdp.sign(who()).samlResponse), (e: unknown) => e instanceof SamlRejected && /signature/i.test(e.reason));
    const signedBySecond = entraSigner(pem('idp2.key'), pem('idp2.crt'));
    const id = await validateSamlResponse(onlySecond, signedBySecond.sign(who()).samlResponse);
    assert.equal(id.nameId, 'kim@contoso.example');
  });

  it('a key that is not the metadata\'s is refused, with the trusted keys cached', async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    // KeyInfo names a trusted certificate (the order hint), the signature is by another key.
    const forger = entraSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pem('idp.crt'));
    await assert.rejects(validateSamlResponse(sp, forger.sign(who()).samlResponse), (e: unknown) => e instanceof SamlRejected && /signature/i.test(e.reason));
  });
});
