// Single logout over HTTP-Redirect (the only binding Entra uses for logout), with node-saml.
import { inflateRawSync } from 'node:zlib';
import type { Profile } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { SamlRejected } from './rejection.js';
import { serviceProvider, type SpSettings } from './service-provider.js';
import { useTrustedKeys } from './trusted-keys.js';
import { assertXmlShape } from './xml-shape.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const MAX_INFLATED = 64 * 1024;
const STRONG_SIG_ALGS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const SHA1_SIG_ALG = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const FRESH_MS = 5 * 60_000;

/**
 * Checks node-saml leaves out for a LogoutRequest over HTTP-Redirect: a bounded inflate (no deflate
 * bomb), the XML's shape before any parser, the signature algorithm (SHA-256 or stronger; SHA-1 only
 * where the tenant allows it), Destination = our logout endpoint, and freshness (IssueInstant within
 * minutes, NotOnOrAfter not past). Returns the request's ID, for the caller's replay check.
 */
function precheckLogoutRequest(sp: SpSettings, query: Record<string, string>): { id: string; expiresAt: Date } {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(query.SAMLRequest ?? '', 'base64'), { maxOutputLength: MAX_INFLATED }).toString('utf8');
  } catch {
    throw new SamlRejected('invalid', 'LogoutRequest is not deflated base64, or inflates beyond 64 KiB');
  }
  if (/<!DOCTYPE|<!ENTITY|<!--/i.test(xml)) throw new SamlRejected('invalid', 'LogoutRequest contains a DTD or a comment');
  assertXmlShape(xml, 'LogoutRequest');
  if (query.Signature) {
    const alg = query.SigAlg ?? '';
    if (!STRONG_SIG_ALGS.has(alg) && !(sp.allowSha1 && alg === SHA1_SIG_ALG)) throw new SamlRejected('invalid', `LogoutRequest signature algorithm ${alg} refused`);
  }
  const errors: string[] = [];
  const root = new DOMParser({ errorHandler: { warning: () => {}, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) } })
    .parseFromString(xml, 'text/xml')?.documentElement;
  if (errors.length || !root || root.localName !== 'LogoutRequest' || root.namespaceURI !== PROTOCOL) {
    throw new SamlRejected('invalid', 'not a SAML 2.0 LogoutRequest');
  }
  const sloUrl = sp.acsUrl.replace(/\/acs$/, '/slo');
  const destination = root.getAttribute('Destination');
  if (destination && destination !== sloUrl) throw new SamlRejected('invalid', `LogoutRequest Destination ${destination} is not this tenant's`);
  const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
  if (Number.isNaN(issued) || Math.abs(Date.now() - issued) > FRESH_MS + sp.clockSkewMs) throw new SamlRejected('invalid', 'LogoutRequest is not fresh');
  const notOnOrAfter = Date.parse(root.getAttribute('NotOnOrAfter') ?? '');
  if (!Number.isNaN(notOnOrAfter) && notOnOrAfter + sp.clockSkewMs <= Date.now()) throw new SamlRejected('invalid', 'LogoutRequest has expired');
  const id = root.getAttribute('ID');
  if (!id) throw new SamlRejected('invalid', 'LogoutRequest has no ID');
  return { id, expiresAt: new Date(issued + 2 * (FRESH_MS + sp.clockSkewMs)) };
}

export interface LogoutSubject { nameId: string; nameIdFormat: string | null; sessionIndex: string | null }

/** The IdP URL carrying our LogoutRequest for this sign-in (SP-initiated single logout). */
export async function logoutRequestUrl(sp: SpSettings, who: LogoutSubject): Promise<string> {
  const profile: Profile = {
    issuer: sp.idp.entityId, nameID: who.nameId, nameIDFormat: who.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ...(who.sessionIndex ? { sessionIndex: who.sessionIndex } : {}),
  };
  return serviceProvider(sp, 'unsolicited').getLogoutUrlAsync(profile, '/', {});
}

export interface IdpLogoutRequest {
  id: string; expiresAt: Date; nameId: string; sessionIndex: string | undefined; signed: boolean; profile: Profile;
}

/** Reads (and, when signed, verifies) a LogoutRequest the IdP sent us. */
export async function readLogoutRequest(sp: SpSettings, query: Record<string, string>, rawQuery: string): Promise<IdpLogoutRequest> {
  const { id, expiresAt } = precheckLogoutRequest(sp, query);
  try {
    const saml = serviceProvider(sp, 'unsolicited');
    await useTrustedKeys(saml, sp.idp.certificates);
    const { profile } = await saml.validateRedirectAsync(query, rawQuery);
    if (!profile?.nameID) throw new Error('LogoutRequest without NameID');
    return {
      id, expiresAt,
      nameId: profile.nameID,
      sessionIndex: typeof profile.sessionIndex === 'string' ? profile.sessionIndex : undefined,
      signed: typeof query.Signature === 'string' && query.Signature.length > 0,
      profile,
    };
  } catch (err) {
    throw new SamlRejected('invalid', `LogoutRequest refused: ${(err as Error).message}`);
  }
}

export function logoutResponseUrl(sp: SpSettings, request: IdpLogoutRequest, relayState: string, success: boolean): Promise<string> {
  return serviceProvider(sp, 'unsolicited').getLogoutResponseUrlAsync(request.profile, relayState, {}, success);
}
