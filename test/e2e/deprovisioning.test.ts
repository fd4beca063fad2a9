// What deprovisioning does to a signed-in advisor and its exchanges: deactivation ends every session at
// once and marks the exchanges for reassignment; re-enabled, the same account signs in again and the
// exchanges are its own; a hard DELETE keeps every document and leaves the exchanges marked.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { api, uploadFile } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { patchOp, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, loginThroughIdp } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

describe('deprovisioning effects', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let t: TenantValues;
  let aliceId: string;
  let exchangeId: string;
  const signIn = async () => {
    const b = createBrowser();
    const res = await loginThroughIdp(b, `${server.url}/saml/depro/login`, 'alice', 'alice-pass');
    return { b, status: res.status };
  };
  const marked = () => countRows(server.dataDir, 'exchanges', 'id = ? and needs_reassignment = 1', exchangeId);

  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Depro', 'depro');
    idp = await startIdp({ sps: [{ entityId: 'depro', acs: t.samlUrl }] });
    await trustIdp(server, 'depro', idp);
    aliceId = await provisionAlice(t);
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  it('deactivation ends the session and marks the exchange; re-enabling restores both', async () => {
    const { b, status } = await signIn();
    assert.equal(status, 303);
    exchangeId = (await api(b, server.url, 'POST', '/api/exchanges', { title: 'Estate' })).body.id;
    assert.equal((await uploadFile(b, server.url, exchangeId, 'a.pdf', crypto.randomBytes(1000))).status, 201);

    assert.equal((await scim(t, 'PATCH', `/Users/${aliceId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }))).status, 204);
    assert.equal((await api(b, server.url, 'GET', '/api/me')).status, 401);
    assert.equal(countRows(server.dataDir, 'sessions', 'user_id = ?', aliceId), 0);
    assert.equal(marked(), 1);

    assert.equal((await scim(t, 'PATCH', `/Users/${aliceId}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }))).status, 204);
    const again = await signIn();
    assert.equal(again.status, 303);
    assert.equal((await api(again.b, server.url, 'GET', '/api/me')).body.userId, aliceId, 'the same account');
    assert.equal((await api(again.b, server.url, 'GET', `/api/exchanges/${exchangeId}/documents`)).body.items.length, 1);
    assert.equal(marked(), 0);
  });

  it('a hard DELETE keeps the exchange and its documents, marked for reassignment', async () => {
    assert.equal((await scim(t, 'DELETE', `/Users/${aliceId}`)).status, 204);
    assert.equal(countRows(server.dataDir, 'sessions'), 0);
    assert.equal(marked(), 1);
    assert.equal(countRows(server.dataDir, 'documents', 'exchange_id = ?', exchangeId), 1);
    assert.equal((await signIn()).status, 403, 'a deleted user cannot sign in');
  });
});
