// Validates a SAML Response posted to a tenant's ACS. Signature, times and InResponseTo are node-saml's
// (with xml-crypto underneath); this file adds the checks node-saml leaves to the SP, each on the
// signed assertion node-saml hands back: Issuer, Audience (tenantId or `spn:`+tenantId, Entra's form for
// a non-URI Identifier), Recipient and Destination = ACS, SHA-1 refused, exactly one objectidentifier.
import { checkAssertion } from './assertion-checks.js';
import { SamlRejected } from './rejection.js';
import { readEnvelope } from './response-envelope.js';
import { assertXmlShape } from './xml-shape.js';
import { serviceProvider, type SpSettings } from './service-provider.js';
import { useTrustedKeys } from './trusted-keys.js';

export { SamlRejected, type RejectCode } from './rejection.js';

// Entra's responses are a few KiB; even with many claims far below this.
export const MAX_SAML_RESPONSE_BYTES = 256 * 1024;
const CLAIM = {
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
};

export interface SamlIdentity {
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  objectId: string | undefined;
  entraTenantId: string | undefined;
  email: string | undefined;
  assertionId: string;
  /** Until when the assertion ID must be remembered against replay. */
  notOnOrAfter: Date;
  inResponseTo: string | undefined;
}

/** Maps node-saml's messages onto what the person is told: a clock that is off, an expired response, an IdP error. */
function classify(err: Error): SamlRejected {
  const msg = err.message ?? String(err);
  if (err.name === 'SamlStatusError' || /SAML provider returned/.test(msg)) {
    return new SamlRejected('idp_error', msg, /AADSTS\d+/.exec(msg)?.[0]);
  }
  if (/not yet valid/.test(msg)) return new SamlRejected('clock_behind', msg);
  if (/expired/i.test(msg)) return new SamlRejected('expired', msg);
  return new SamlRejected('invalid', msg);
}

type X = Record<string, any>;
const first = (v: unknown): X | undefined => (Array.isArray(v) ? v[0] : undefined);

function values(attributes: X | undefined, name: string): string[] {
  const v = attributes?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/**
 * node-saml checks a signature against each trusted certificate in turn, the whole XML-signature work
 * each time. The certificate the response names in its KeyInfo is tried first when it is one of ours;
 * it is a hint for the order only — trust still comes from the metadata, never from KeyInfo.
 */
function likelySignerFirst(certificates: string[], xml: string): string[] {
  const named = /<(?:[\w-]+:)?X509Certificate>([^<]+)</.exec(xml)?.[1]?.replace(/\s+/g, '');
  const i = named ? certificates.findIndex((c) => pemBody(c) === named) : -1;
  return i > 0 ? [certificates[i]!, ...certificates.slice(0, i), ...certificates.slice(i + 1)] : certificates;
}

export async function validateSamlResponse(sp: SpSettings, samlResponse: unknown): Promise<SamlIdentity> {
  if (typeof samlResponse !== 'string' || !samlResponse) throw new SamlRejected('invalid', 'no SAMLResponse in the request');
  if (samlResponse.length > MAX_SAML_RESPONSE_BYTES) throw new SamlRejected('invalid', 'SAMLResponse too large');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) throw new SamlRejected('invalid', 'SAMLResponse is not base64');
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRejected('invalid', 'SAMLResponse contains a DTD');
  // Canonicalisation drops comments, so a comment inside a signed NameID leaves the signature valid while
  // changing what a naive reader sees (the classic truncation attack). Entra never sends comments.
  if (xml.includes('<!--')) throw new SamlRejected('invalid', 'SAMLResponse contains an XML comment');
  assertXmlShape(xml, 'SAMLResponse');
  // SHA-1 is selectable in Entra but broken for signatures: refused wherever it appears, unless the
  // tenant has explicitly allowed it.
  if (!sp.allowSha1 && /Algorithm\s*=\s*["'][^"']*(rsa-sha1|xmldsig#sha1)["']/i.test(xml)) {
    throw new SamlRejected('invalid', 'SHA-1 signature or digest refused (the tenant has not allowed SHA-1)');
  }

  // A response to one of our requests is checked against it (and consumes it). Anything else — the My
  // Apps tile (no InResponseTo) or the portal's Test button (an id we never issued) — is unsolicited:
  // accepted only where the tenant allows IdP-initiated sign-in, with every other check still applied.
  const envelope = readEnvelope(xml, sp.idp.entityId);
  const claimed = envelope.inResponseTo;
  const known = claimed !== undefined && (await sp.requests.getAsync(claimed)) !== null;
  if (!known && !sp.allowIdpInitiated) {
    throw new SamlRejected('unsolicited', claimed ? `InResponseTo ${claimed} names no request of ours` : 'unsolicited response refused by the tenant');
  }

  let profile: X | null;
  try {
    const certificates = likelySignerFirst(sp.idp.certificates, xml);
    const saml = serviceProvider({ ...sp, idp: { ...sp.idp, certificates } }, known ? 'known' : 'unsolicited', envelope);
    await useTrustedKeys(saml, certificates);
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (err) {
    const rejected = classify(err as Error);
    if (rejected.code !== 'clock_behind' && rejected.code !== 'expired') throw rejected;
    // Say which clock is off: the IdP stamped IssueInstant with its own clock, we compare with ours.
    const issued = Date.parse(envelope.issueInstant ?? '');
    const minutes = Number.isNaN(issued) ? undefined : Math.round((issued - Date.now()) / 60_000);
    const detail = minutes === undefined ? undefined
      : minutes > 0 ? `The sign-in service's clock is about ${minutes} min ahead of SecureExchange's.`
        : `The response was issued about ${-minutes} min ago by the sign-in service's clock.`;
    throw new SamlRejected(rejected.code, rejected.reason, detail);
  }
  if (!profile) throw new SamlRejected('invalid', 'no assertion in the response');

  const assertion: X = profile.getAssertion?.()?.Assertion ?? {};
  if (profile.issuer !== sp.idp.entityId) throw new SamlRejected('invalid', `unexpected Issuer ${profile.issuer}`);

  const audiences = (first(assertion.Conditions)?.AudienceRestriction ?? []).flatMap((r: X) => (r.Audience ?? []).map((a: X) => a?._ ?? a));
  if (!audiences.some((a: unknown) => a === sp.tenantId || a === `spn:${sp.tenantId}`)) {
    throw new SamlRejected('invalid', `Audience ${audiences.join(', ') || '(none)'} is not this tenant`);
  }

  checkAssertion(assertion, sp.tenantId, sp.acsUrl, sp.clockSkewMs);
  const confirmation = first(first(first(assertion.Subject)?.SubjectConfirmation)?.SubjectConfirmationData)?.$ ?? {};
  if (envelope.destination !== undefined && envelope.destination !== sp.acsUrl) {
    throw new SamlRejected('invalid', `Destination ${envelope.destination} is not this ACS`);
  }

  const assertionId: unknown = assertion.$?.ID;
  if (typeof assertionId !== 'string' || !assertionId) throw new SamlRejected('invalid', 'assertion has no ID');
  const conditionsEnd = first(assertion.Conditions)?.$?.NotOnOrAfter;
  const until = Date.parse(conditionsEnd ?? confirmation.NotOnOrAfter ?? '');
  const notOnOrAfter = new Date((Number.isNaN(until) ? Date.now() + 3600_000 : until) + sp.clockSkewMs);

  const attrs = profile.attributes as X | undefined;
  const objectIds = values(attrs, CLAIM.objectId);
  const tenantIds = values(attrs, CLAIM.tenantId);
  // Entra sends exactly one of each; several values means a forged or mangled assertion.
  if (objectIds.length > 1 || tenantIds.length > 1) throw new SamlRejected('invalid', 'several objectidentifier or tenantid values');
  // The tenantid claim names the Entra directory; a response from another directory is the wrong tenant.
  if (sp.entraTenantId && tenantIds[0] && tenantIds[0].toLowerCase() !== sp.entraTenantId.toLowerCase()) {
    throw new SamlRejected('wrong_tenant', `tenantid ${tenantIds[0]} is not the tenant's Entra directory ${sp.entraTenantId}`);
  }
  const nameId = typeof profile.nameID === 'string' ? profile.nameID : '';
  if (!nameId && !objectIds.length) throw new SamlRejected('invalid', 'neither NameID nor objectidentifier');

  return {
    nameId,
    ...(typeof profile.nameIDFormat === 'string' ? { nameIdFormat: profile.nameIDFormat } : {}),
    ...(typeof profile.sessionIndex === 'string' ? { sessionIndex: profile.sessionIndex } : {}),
    objectId: objectIds[0],
    entraTenantId: tenantIds[0],
    email: values(attrs, CLAIM.email)[0],
    assertionId,
    notOnOrAfter,
    inResponseTo: typeof profile.inResponseTo === 'string' ? profile.inResponseTo : undefined,
  };
}

