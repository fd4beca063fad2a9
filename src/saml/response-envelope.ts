// What can be read of a Response before its signatures are checked, read with a real XML parser (never
// a regex: attributes may be single-quoted). Nothing here is trusted for identity; it decides which
// signatures node-saml must find valid, and refuses shapes a genuine Entra response never has.
import { DOMParser } from '@xmldom/xmldom';
import { SamlRejected } from './rejection.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

export interface Envelope {
  inResponseTo: string | undefined;
  destination: string | undefined;
  issueInstant: string | undefined;
  /** The Response carries a signature: it must then be valid (never ignored in favour of the assertion's). */
  responseSigned: boolean;
  /** The Assertion carries a signature: it must then be valid, even when the Response's is. */
  assertionSigned: boolean;
}

const children = (el: Element, ns: string, name: string) =>
  (Array.from(el.childNodes) as Node[]).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);

const attr = (el: Element, name: string) => (el.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined);

export function readEnvelope(xml: string, idpEntityId: string): Envelope {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(xml, 'text/xml');
  const root = doc?.documentElement;
  if (errors.length || !root) throw new SamlRejected('invalid', 'SAMLResponse is not well-formed XML');
  if (root.localName !== 'Response' || root.namespaceURI !== PROTOCOL) throw new SamlRejected('invalid', 'not a SAML 2.0 Response');

  const issuer = children(root, ASSERTION, 'Issuer')[0];
  if (issuer && issuer.textContent?.trim() !== idpEntityId) {
    throw new SamlRejected('invalid', `Response Issuer ${issuer.textContent} is not the IdP`);
  }

  // A non-success status is the IdP's refusal, even if an assertion came along (node-saml looks at the
  // status only when there is none). Entra's carry an AADSTS code in the message.
  const statusCode = children(root, PROTOCOL, 'Status').flatMap((s) => children(s, PROTOCOL, 'StatusCode'))[0];
  const status = statusCode ? attr(statusCode, 'Value') : undefined;
  if (status !== SUCCESS) {
    const message = children(root, PROTOCOL, 'Status').flatMap((s) => children(s, PROTOCOL, 'StatusMessage'))[0]?.textContent ?? '';
    throw new SamlRejected('idp_error', `IdP status ${status ?? '(none)'}: ${message}`.slice(0, 500), /AADSTS\d+/.exec(message)?.[0]);
  }

  // Signatures only where SAML puts them: on the Response or on its Assertion. One elsewhere (inside
  // Status, Advice, an extension) is a wrapping attempt or junk, and is never silently ignored.
  const assertions = children(root, ASSERTION, 'Assertion');
  const allowedParents = new Set<Element>([root, ...assertions]);
  for (const sig of Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'))) {
    if (!allowedParents.has(sig.parentNode as Element)) throw new SamlRejected('invalid', 'a signature outside the Response and its Assertion');
  }
  return {
    inResponseTo: attr(root, 'InResponseTo'),
    destination: attr(root, 'Destination'),
    issueInstant: attr(root, 'IssueInstant'),
    responseSigned: children(root, DSIG, 'Signature').length > 0,
    assertionSigned: assertions.some((a) => children(a, DSIG, 'Signature').length > 0),
  };
}
