// Checks on the assertion node-saml has verified (parsed by xml2js, namespace prefixes stripped) that
// node-saml leaves to the service provider (SAML 2.0 Web Browser SSO profile, §4.1.4).
import { SamlRejected } from './rejection.js';

type X = Record<string, any>;
const first = (v: unknown): X | undefined => (Array.isArray(v) ? v[0] : undefined);
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export function checkAssertion(assertion: X, tenantId: string, acsUrl: string, clockSkewMs: number): void {
  // Only bearer confirmations prove anything to us (holder-of-key needs a key we never check), and
  // the one node-saml validated for its times must name our ACS.
  const confirmations: X[] = first(assertion.Subject)?.SubjectConfirmation ?? [];
  const bearer = confirmations.filter((c) => c?.$?.Method === BEARER);
  if (!bearer.length) throw new SamlRejected('invalid', 'no bearer SubjectConfirmation');
  const ours = bearer.map((c) => first(c.SubjectConfirmationData)?.$ ?? {}).filter((d: X) => d.Recipient === acsUrl);
  if (!ours.length) {
    const seen = bearer.map((c) => first(c.SubjectConfirmationData)?.$?.Recipient ?? '(none)').join(', ');
    throw new SamlRejected('invalid', `Recipient ${seen} is not this ACS`);
  }
  // The confirmation's own window (Entra: about 5 minutes) — node-saml checks it only for responses to
  // a request it tracks, so it is checked here for every response, unsolicited ones included.
  const now = Date.now();
  const inWindow = (d: X) => {
    const notOnOrAfter = Date.parse(d.NotOnOrAfter ?? '');
    const notBefore = Date.parse(d.NotBefore ?? '');
    return !Number.isNaN(notOnOrAfter) && now - clockSkewMs < notOnOrAfter && (Number.isNaN(notBefore) || now + clockSkewMs >= notBefore);
  };
  if (!ours.some(inWindow)) throw new SamlRejected('expired', 'SubjectConfirmationData is outside its NotBefore/NotOnOrAfter window, or has none');
  if (!Array.isArray(assertion.AuthnStatement) || !assertion.AuthnStatement.length) {
    throw new SamlRejected('invalid', 'the assertion has no AuthnStatement');
  }
  const spNameQualifier = first(first(assertion.Subject)?.NameID)?.$?.SPNameQualifier;
  if (spNameQualifier !== undefined && spNameQualifier !== tenantId && spNameQualifier !== `spn:${tenantId}`) {
    throw new SamlRejected('invalid', `NameID is qualified for another service provider (${spNameQualifier})`);
  }
  // The same claim twice is ambiguous: which value would decide who signs in?
  const names = (assertion.AttributeStatement ?? []).flatMap((s: X) => (s.Attribute ?? []).map((a: X) => a?.$?.Name));
  const dup = names.find((n: string, i: number) => names.indexOf(n) !== i);
  if (dup) throw new SamlRejected('invalid', `attribute ${dup} appears more than once`);
}
