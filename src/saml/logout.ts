// Single logout over HTTP-Redirect (the only binding Entra uses for logout), with node-saml.
import type { Profile } from '@node-saml/node-saml';
import { serviceProvider, type SpSettings } from './service-provider.js';
import { SamlRejected } from './validate-response.js';

export interface LogoutSubject { nameId: string; nameIdFormat: string | null; sessionIndex: string | null }

/** The IdP URL carrying our LogoutRequest for this sign-in (SP-initiated single logout). */
export async function logoutRequestUrl(sp: SpSettings, who: LogoutSubject): Promise<string> {
  const profile: Profile = {
    issuer: sp.idp.entityId, nameID: who.nameId, nameIDFormat: who.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ...(who.sessionIndex ? { sessionIndex: who.sessionIndex } : {}),
  };
  return serviceProvider(sp, 'unsolicited').getLogoutUrlAsync(profile, '/', {});
}

export interface IdpLogoutRequest { nameId: string; sessionIndex: string | undefined; signed: boolean; profile: Profile }

/** Reads (and, when signed, verifies) a LogoutRequest the IdP sent us. */
export async function readLogoutRequest(sp: SpSettings, query: Record<string, string>, rawQuery: string): Promise<IdpLogoutRequest> {
  try {
    const { profile } = await serviceProvider(sp, 'unsolicited').validateRedirectAsync(query, rawQuery);
    if (!profile?.nameID) throw new Error('LogoutRequest without NameID');
    return {
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
