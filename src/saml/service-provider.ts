// One node-saml service provider per tenant: entity ID = tenantId, ACS = the tenant's samlUrl, trusting
// exactly the signing certificates of the tenant's IdP metadata (never a certificate in KeyInfo).
import { SAML, ValidateInResponseTo, type CacheProvider } from '@node-saml/node-saml';
import type { IdpMetadata } from './metadata.js';

export interface SpSettings {
  tenantId: string;
  acsUrl: string;
  idp: IdpMetadata;
  clockSkewMs: number;
  /** Single-use store of our AuthnRequest ids (database-backed, so any instance can finish a sign-in). */
  requests: CacheProvider;
  /** Unsolicited responses (My Apps tile) and the portal's Test button (an InResponseTo we never issued). */
  allowIdpInitiated: boolean;
  /** SHA-1 signatures and digests: refused unless the tenant explicitly allows them. */
  allowSha1: boolean;
  /** The Entra directory the `tenantid` claim must name, when known (from the metadata's entity ID). */
  entraTenantId?: string;
}

/**
 * `inResponseTo`: "known" validates InResponseTo on the Response and SubjectConfirmationData against
 * our request store and consumes it; "unsolicited" skips that check (every other check still applies).
 */
export function serviceProvider(
  s: SpSettings, inResponseTo: 'known' | 'unsolicited' = 'known',
  signed: { responseSigned: boolean; assertionSigned: boolean } = { responseSigned: false, assertionSigned: true },
): SAML {
  return new SAML({
    issuer: s.tenantId,
    callbackUrl: s.acsUrl,
    entryPoint: s.idp.ssoUrl,
    idpCert: s.idp.certificates,
    idpIssuer: s.idp.entityId,
    // Entra signs the Assertion (default), the Response, or both, as the tenant picks. Every signature
    // present must be valid (node-saml would otherwise ignore a broken one when the other holds), and an
    // unsigned Response needs a signed Assertion.
    wantAssertionsSigned: signed.assertionSigned || !signed.responseSigned,
    wantAuthnResponseSigned: signed.responseSigned,
    // Checked by validate-response.ts, which also accepts Entra's `spn:` form of a non-URI Identifier.
    audience: false,
    acceptedClockSkewMs: s.clockSkewMs,
    validateInResponseTo: inResponseTo === 'known' ? ValidateInResponseTo.always : ValidateInResponseTo.never,
    requestIdExpirationPeriodMs: 10 * 60 * 1000,
    cacheProvider: s.requests,
    identifierFormat: null,
    // Entra rejects a RequestedAuthnContext it cannot satisfy (e.g. a password context for an MFA user).
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    ...(s.idp.sloUrl ? { logoutUrl: s.idp.sloUrl, logoutCallbackUrl: s.acsUrl.replace(/\/acs$/, '/slo') } : {}),
  });
}

export function spMetadata(s: Pick<SpSettings, 'tenantId' | 'acsUrl'>): string {
  return new SAML({
    issuer: s.tenantId, callbackUrl: s.acsUrl, idpCert: 'unused-for-metadata', wantAssertionsSigned: true,
  }).generateServiceProviderMetadata(null);
}

/** RelayState may only name a local path (no scheme, no host, no `//` or `/\` that browsers read as a host). */
export function safeRelayState(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  return value;
}
