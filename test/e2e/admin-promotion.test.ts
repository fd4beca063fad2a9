// An admin provisioned by Entra signs in but may do nothing until the tenant promotes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api } from '../helpers/api.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, loginThroughIdp } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

describe('admin promotion', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let t: TenantValues;
  let adminId: string;
  const admin = createBrowser();
  const tenant = createBrowser();

  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Promo', 'promo');
    idp = await startIdp({ sps: [{ entityId: 'promo', acs: t.samlUrl }] });
    await trustIdp(server, 'promo', idp);
    adminId = await provisionAlice(t, 'ADMIN');
    assert.equal((await api(tenant, server.url, 'POST', '/api/tenant/login', { username: t.username, password: t.password })).status, 200);
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  it('signs in and sees that promotion is pending; cannot create exchanges', async () => {
    assert.equal((await loginThroughIdp(admin, `${server.url}/saml/promo/login`, 'alice', 'alice-pass')).status, 303);
    const me = await api(admin, server.url, 'GET', '/api/me');
    assert.equal(me.body.userType, 'ADMIN');
    assert.equal(me.body.promotionPending, true);
    assert.equal((await api(admin, server.url, 'POST', '/api/exchanges', { title: 'x' })).status, 403);
  });

  it('the tenant lists its admins and promotes; the operator can demote', async () => {
    const admins = await api(tenant, server.url, 'GET', '/api/tenant/users?userType=ADMIN');
    assert.deepEqual(admins.body.items.map((p: { id: string }) => p.id), [adminId]);
    assert.equal((await api(tenant, server.url, 'POST', `/api/tenant/users/${adminId}/promote`)).body.promoted, true);
    assert.equal((await api(admin, server.url, 'GET', '/api/me')).body.promotionPending, false);
    const r = await server.cli(['admin', 'demote', '--tenant', 'promo', '--user', 'alice@contoso.example', '--json']);
    assert.equal(JSON.parse(r.stdout).promoted, false);
    assert.equal((await api(admin, server.url, 'GET', '/api/me')).body.promotionPending, true);
  });

  it('only admins can be promoted, and Entra taking the role away ends a promotion', async () => {
    const advisor = (await scim(t, 'POST', '/Users', entraUser())).body.id;
    assert.equal((await api(tenant, server.url, 'POST', `/api/tenant/users/${advisor}/promote`)).status, 400);
    assert.equal((await api(tenant, server.url, 'POST', `/api/tenant/users/00000000-0000-0000-0000-000000000000/promote`)).status, 404);
    await api(tenant, server.url, 'POST', `/api/tenant/users/${adminId}/promote`);
    await scim(t, 'PATCH', `/Users/${adminId}`, patchOp({ op: 'Replace', path: 'userType', value: 'ADVISOR' }));
    await scim(t, 'PATCH', `/Users/${adminId}`, patchOp({ op: 'Replace', path: 'userType', value: 'ADMIN' }));
    const list = await api(tenant, server.url, 'GET', '/api/tenant/users?userType=ADMIN');
    assert.equal(list.body.items[0].promoted, false);
  });
});
