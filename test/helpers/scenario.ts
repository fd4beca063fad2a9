// The setup most sign-in tests share: a tenant trusting the local IdP, and alice (the IdP's user)
// provisioned in it by Entra's SCIM call.
import assert from 'node:assert/strict';
import type { RunningIdp } from '../peers/simplesamlphp.js';
import { entraUser, scim } from './scim.js';
import type { RunningServer, TenantValues } from './server.js';

/** alice in the IdP's users (../shared/peers/simplesamlphp/config/authsources.php). */
export const ALICE = { userName: 'alice@contoso.example', externalId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' };

/** The operator imports the IdP's metadata for the tenant, as the guide's last step asks. */
export async function trustIdp(server: RunningServer, tenantId: string, idp: RunningIdp): Promise<void> {
  const r = await server.cli(['idp', 'import', '--tenant', tenantId, '--metadata', idp.metadataUrl]);
  assert.equal(r.code, 0, r.stderr);
}

/** Entra provisions alice into the tenant; returns her SCIM id. */
export async function provisionAlice(tenant: TenantValues, userType = 'ADVISOR'): Promise<string> {
  const r = await scim(tenant, 'POST', '/Users', entraUser({ ...ALICE, userType }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}
