// IdP metadata import against real Entra federation metadata kept in ../shared/fixtures (as they are).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { sharedDir } from '../helpers/server.js';

const fixture = (p: string) => fs.readFileSync(path.join(sharedDir, 'fixtures/saml', p), 'utf8');

describe('IdP metadata', () => {
  it('reads the real tenant-independent Entra document: entity ID, SSO URL, all three signing certificates', () => {
    const md = parseIdpMetadata(fixture('entra-real/aad-common-federationmetadata-2017.xml'));
    assert.equal(md.entityId, 'https://sts.windows.net/{tenantid}/');
    assert.equal(md.ssoUrl, 'https://login.microsoftonline.com/common/saml2');
    assert.equal(md.certificates.length, 3);
    for (const n of [1, 2, 3]) {
      const pem = fixture(`entra-real/aad-common-federationmetadata-2017.cert${n}.pem`).replace(/\s+/g, '');
      assert.ok(md.certificates.some((c) => c.replace(/\s+/g, '') === pem), `cert${n}`);
    }
  });

  it('reads the real tenant-specific document with its BOM and the older login.windows.net host; repeats collapse', () => {
    const md = parseIdpMetadata(fixture('node-saml+xml-crypto/test/static/wsfederation_metadata.xml'));
    assert.equal(md.entityId, 'https://sts.windows.net/8bd6e98d-e212-4022-b13f-a244fab4c253/');
    assert.match(md.ssoUrl, /^https:\/\/login\.windows\.net\/8bd6e98d-e212-4022-b13f-a244fab4c253\/saml2$/);
    assert.equal(md.certificates.length, 2);
  });

  it('refuses what is not IdP metadata, with a clear message', () => {
    assert.throws(() => parseIdpMetadata('hello'), /not SAML metadata/);
    assert.throws(() => parseIdpMetadata('<a><b/></a>'), /no IDPSSODescriptor/);
    assert.throws(() => parseIdpMetadata('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'), /DOCTYPE/);
    assert.throws(() => parseIdpMetadata(fixture('node-saml+xml-crypto/test/static/wsfederation_metadata.xml').replace(/<(\w+:)?X509Certificate>[^<]+</g, '<$1X509Certificate>AAAA<')), /certificate/);
  });
});
