// Bench-only SAML signer: builds Responses shaped like Microsoft Entra ID's (../shared/spec/
// entra-saml-habits.md) and signs the Assertion the way Entra does by default (RSA-SHA256, exclusive
// c14n, enveloped, the Signature right after the Assertion's Issuer, KeyInfo carrying the certificate),
// with the test-only SimpleSAMLphp IdP key. Every call gives new Response, Assertion and SessionIndex
// IDs, so each response passes the SP's replay cache once. Test and bench use only: never a real key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { sharedDir } from '../test/helpers/server.js';

export const ENTRA_DIRECTORY = '11111111-2222-3333-4444-555555555555';
export const ENTRA_ISSUER = `https://sts.windows.net/${ENTRA_DIRECTORY}/`;
export const peerCertDir = path.join(sharedDir, 'peers/simplesamlphp/cert');

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const ASSERTION = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";

export interface SignOptions {
  /** The tenant's ACS: Destination and Recipient. */
  acsUrl: string;
  /** The SP's Identifier (the tenantId); Entra writes `spn:` before a non-URI one when so configured. */
  audience: string;
  /** The user principal name: NameID and the name/emailaddress claims. */
  upn: string;
  /** The objectidentifier claim (= SCIM externalId). */
  objectId: string;
  givenName?: string;
  surname?: string;
  /** The moment the IdP issued it (default now). */
  now?: number;
  /** The ID of the SP's AuthnRequest this answers (SP-initiated); absent for an unsolicited response. */
  inResponseTo?: string;
}

export interface SignedResponse {
  xml: string;
  /** What the browser posts as SAMLResponse. */
  samlResponse: string;
  assertionId: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Entra's IDs: an underscore and a GUID (an ID must not start with a digit). */
const newId = () => `_${crypto.randomUUID()}`;

function attribute(name: string, value: string): string {
  return `<Attribute Name="${name}"><AttributeValue>${esc(value)}</AttributeValue></Attribute>`;
}

/** The unsigned Response, as Entra lays it out (samlp: prefix on the protocol, default namespace on the assertion). */
export function entraResponseXml(o: SignOptions, ids: { response: string; assertion: string; session: string }, issuer = ENTRA_ISSUER): string {
  const now = o.now ?? Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const issued = iso(now);
  const claims = [
    attribute('http://schemas.microsoft.com/identity/claims/tenantid', ENTRA_DIRECTORY),
    attribute('http://schemas.microsoft.com/identity/claims/objectidentifier', o.objectId),
    attribute('http://schemas.microsoft.com/identity/claims/displayname', `${o.givenName ?? 'Given'} ${o.surname ?? 'Family'}`),
    attribute('http://schemas.microsoft.com/identity/claims/identityprovider', issuer),
    attribute('http://schemas.microsoft.com/claims/authnmethodsreferences', 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password'),
    attribute('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', o.givenName ?? 'Given'),
    attribute('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', o.surname ?? 'Family'),
    attribute('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', o.upn),
    attribute('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', o.upn),
  ].join('');
  const answering = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
  return `<samlp:Response ID="${ids.response}" Version="2.0" IssueInstant="${issued}" Destination="${esc(o.acsUrl)}"${answering} xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">`
    + `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${esc(issuer)}</Issuer>`
    + '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
    + `<Assertion ID="${ids.assertion}" IssueInstant="${issued}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion">`
    + `<Issuer>${esc(issuer)}</Issuer>`
    + '<Subject>'
    + `<NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(o.upn)}</NameID>`
    + '<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
    // Entra: SubjectConfirmationData about 5 minutes, Conditions 70 minutes, NotBefore = IssueInstant.
    + `<SubjectConfirmationData${answering} NotOnOrAfter="${iso(now + 5 * 60_000)}" Recipient="${esc(o.acsUrl)}"/>`
    + '</SubjectConfirmation></Subject>'
    + `<Conditions NotBefore="${issued}" NotOnOrAfter="${iso(now + 70 * 60_000)}">`
    + `<AudienceRestriction><Audience>${esc(o.audience)}</Audience></AudienceRestriction></Conditions>`
    + `<AttributeStatement>${claims}</AttributeStatement>`
    + `<AuthnStatement AuthnInstant="${iso(now - 1_000)}" SessionIndex="${ids.session}">`
    + '<AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext>'
    + '</AuthnStatement></Assertion></samlp:Response>';
}

export interface EntraSigner {
  sign(o: SignOptions): SignedResponse;
}

/** A signer with the IdP's private key and certificate (default: the test-only SimpleSAMLphp idp.key / idp.crt). */
export function entraSigner(keyPem = fs.readFileSync(path.join(peerCertDir, 'idp.key'), 'utf8'),
  certPem = fs.readFileSync(path.join(peerCertDir, 'idp.crt'), 'utf8'), issuer = ENTRA_ISSUER): EntraSigner {
  const privateKey = crypto.createPrivateKey(keyPem);
  const certBody = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certPem)?.[1]?.replace(/\s+/g, '');
  if (!certBody) throw new Error('no certificate in the PEM given to the signer');
  // KeyInfo as Entra sends it; the SP must ignore it and use its metadata's certificates.
  const keyInfo = `<X509Data><X509Certificate>${certBody}</X509Certificate></X509Data>`;
  return {
    sign(o) {
      const ids = { response: newId(), assertion: newId(), session: newId() };
      const sig = new SignedXml({
        privateKey, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N, getKeyInfoContent: () => keyInfo,
      });
      sig.addReference({ xpath: ASSERTION, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
      // SAML's schema puts ds:Signature right after the Assertion's Issuer.
      sig.computeSignature(entraResponseXml(o, ids, issuer), { location: { reference: `${ASSERTION}/*[local-name(.)='Issuer']`, action: 'after' } });
      const xml = sig.getSignedXml();
      return { xml, samlResponse: Buffer.from(xml, 'utf8').toString('base64'), assertionId: ids.assertion };
    },
  };
}

/** IdP metadata equivalent to SimpleSAMLphp's: the Entra-like entity ID, both signing certificates (rollover). */
export function entraLikeMetadata(ssoUrl = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/saml2'): string {
  const body = (file: string) => /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/
    .exec(fs.readFileSync(path.join(peerCertDir, file), 'utf8'))![1]!.replace(/\s+/g, '');
  const key = (file: string) => '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
    + `<ds:X509Certificate>${body(file)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return `<?xml version="1.0"?>\n<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${ENTRA_ISSUER}">`
    + '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    + key('idp.crt') + key('idp2.crt')
    + `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>`
    + '</md:IDPSSODescriptor></md:EntityDescriptor>\n';
}
