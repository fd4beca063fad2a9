// Reads an IdP's SAML metadata (Entra's Federation Metadata XML): entity ID, the HTTP-Redirect SSO URL
// and every signing certificate (Entra lists several during a rollover: trust them all). A DOCTYPE is
// refused outright (entity expansion, external entities), and a BOM is tolerated (old Entra documents).
import { DOMParser } from '@xmldom/xmldom';
import { X509Certificate } from 'node:crypto';
import { invalid } from '../errors.js';
import { assertXmlShape } from './xml-shape.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const MAX_METADATA_BYTES = 1024 * 1024;

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  /** HTTP-Redirect SingleLogoutService, when the IdP has one. */
  sloUrl?: string;
  /** PEM certificates, de-duplicated, in document order. */
  certificates: string[];
}

function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function parseIdpMetadata(xml: string): IdpMetadata {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.length > MAX_METADATA_BYTES) throw invalid('The metadata is larger than 1 MiB');
  if (/<!DOCTYPE/i.test(text)) throw invalid('The metadata contains a DOCTYPE, which is refused');
  try {
    assertXmlShape(text, 'The metadata');
  } catch (err) {
    throw invalid((err as Error).message);
  }
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(text, 'text/xml');
  const root = doc?.documentElement;
  if (errors.length || !root) throw invalid('This is not SAML metadata: the XML could not be read');

  const descriptors = root.localName === 'EntityDescriptor' && root.namespaceURI === MD
    ? [root]
    : Array.from(root.getElementsByTagNameNS(MD, 'EntityDescriptor'));
  const idps = descriptors.filter((ed) => ed.getElementsByTagNameNS(MD, 'IDPSSODescriptor').length > 0);
  // Several IdPs in one document would leave the choice of whom to trust to document order.
  if (idps.length > 1) throw invalid(`The metadata describes ${idps.length} identity providers; import the document of exactly one`);
  for (const ed of idps) {
    const idpDescriptors = ed.getElementsByTagNameNS(MD, 'IDPSSODescriptor');
    if (idpDescriptors.length > 1) throw invalid('The metadata has several IDPSSODescriptors for one entity; import the document of exactly one IdP');
    const idp = idpDescriptors[0]!;
    const entityId = ed.getAttribute('entityID') ?? '';
    if (!entityId) throw invalid('The metadata has no entityID');
    const sso = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService'))
      .find((s) => s.getAttribute('Binding') === REDIRECT);
    const ssoUrl = sso?.getAttribute('Location') ?? '';
    if (!/^https?:\/\//.test(ssoUrl)) throw invalid('The metadata has no HTTP-Redirect SingleSignOnService URL');

    const certificates: string[] = [];
    for (const kd of Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
      const use = kd.getAttribute('use');
      if (use && use !== 'signing') continue;
      for (const c of Array.from(kd.getElementsByTagNameNS(DS, 'X509Certificate'))) {
        const pem = toPem(c.textContent ?? '');
        try {
          new X509Certificate(pem);
        } catch {
          throw invalid('The metadata contains a signing certificate that cannot be read');
        }
        if (!certificates.includes(pem)) certificates.push(pem);
      }
    }
    if (!certificates.length) throw invalid('The metadata lists no signing certificate');
    const slo = Array.from(idp.getElementsByTagNameNS(MD, 'SingleLogoutService')).find((x) => x.getAttribute('Binding') === REDIRECT);
    const sloUrl = slo?.getAttribute('Location') ?? '';
    return { entityId, ssoUrl, certificates, ...(/^https?:\/\//.test(sloUrl) ? { sloUrl } : {}) };
  }
  throw invalid('This is not SAML IdP metadata: no IDPSSODescriptor found');
}

/** The Entra directory (tenant GUID) in an entity ID of the form https://sts.windows.net/<guid>/. */
export function entraDirectoryOf(entityId: string): string | undefined {
  return /^https:\/\/sts\.windows\.net\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/$/i.exec(entityId)?.[1];
}

export interface CertificateInfo { subject: string; notBefore: string; notAfter: string; fingerprint256: string }

/** What the tenant sees of each trusted certificate, so a coming expiry is noticed in time. */
export function describeCertificate(pem: string): CertificateInfo {
  const c = new X509Certificate(pem);
  // Dates JavaScript cannot represent (year 0001, say) are shown as written rather than failing.
  const iso = (s: string) => { const d = new Date(s); return Number.isNaN(d.getTime()) ? s : d.toISOString(); };
  return { subject: c.subject.replace(/\n/g, ', '), notBefore: iso(c.validFrom), notAfter: iso(c.validTo), fingerprint256: c.fingerprint256 };
}
