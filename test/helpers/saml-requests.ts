// AuthnRequests that SecureExchange never issued, sent to the IdP as Entra's portal does when an admin
// clicks "Test single sign-on": the IdP answers with a validly signed response whose InResponseTo
// names no request of ours.
import crypto from 'node:crypto';
import { deflateRawSync } from 'node:zlib';

export function foreignAuthnRequestUrl(ssoUrl: string, spEntityId: string, acs: string): string {
  const id = `_portal${crypto.randomBytes(8).toString('hex')}`;
  const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" `
    + `ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" Destination="${ssoUrl}" `
    + `AssertionConsumerServiceURL="${acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">`
    + `<saml:Issuer>${spEntityId}</saml:Issuer></samlp:AuthnRequest>`;
  const url = new URL(ssoUrl);
  url.searchParams.set('SAMLRequest', deflateRawSync(xml).toString('base64'));
  return url.toString();
}
