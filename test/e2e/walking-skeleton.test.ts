// The walking skeleton end to end (issue 2): the operator creates a tenant with the CLI, Entra's real
// call sequence provisions an advisor, the advisor signs in through a real SAML IdP (SimpleSAMLphp,
// Entra-shaped) and exchanges an encrypted 20 MiB document. Every part is real: built server, CLI,
// SQLite, HTTP on loopback, the IdP's login form.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, sessionCookie, uploadFile } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { databaseBytes } from '../helpers/test-database.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser, loginThroughIdp } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';

const ALICE_OID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const MALLORY_OID = '9a9a9a9a-0000-4000-8000-000000000bad';

describe('walking skeleton', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let acme: TenantValues;
  let beta: TenantValues;
  let aliceId: string;
  const alice = createBrowser();

  before(async () => {
    server = await startServer();
    acme = await createTenant(server, 'Acme Advisors', 'tenant-acme');
    beta = await createTenant(server, 'Beta Partners', 'tenant-beta');
    idp = await startIdp({ sps: [{ entityId: acme.tenantId, acs: acme.samlUrl }, { entityId: beta.tenantId, acs: beta.samlUrl }] });
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  it('tenant create prints the four values, the username and a password', () => {
    assert.equal(acme.tenantId, 'tenant-acme');
    assert.equal(acme.scimUrl, `${server.url}/scim/v2/tenant-acme`);
    assert.equal(acme.samlUrl, `${server.url}/saml/tenant-acme/acs`);
    assert.match(acme.bearerToken, /^[\w-]{40,}$/);
    assert.ok(acme.username && acme.password.length >= 20);
    // Secrets are stored only as hashes.
    const raw = databaseBytes(server.dataDir);
    assert.equal(raw.includes(Buffer.from(acme.bearerToken)), false);
    assert.equal(raw.includes(Buffer.from(acme.password)), false);
  });

  it('Entra provisions alice: Test Connection, lookups, POST, PATCH active "False" then "True"', async () => {
    const probe = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${crypto.randomUUID()}"`)}`);
    assert.equal(probe.status, 200);
    assert.equal(probe.body.totalResults, 0);
    assert.deepEqual(probe.body.Resources, []);
    assert.match(probe.headers.get('content-type') ?? '', /application\/scim\+json/);

    const byName = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('userName eq "alice@contoso.example"')}`);
    const byOid = await scim(acme, 'GET', `/Users?filter=externalId+eq+${ALICE_OID}`);
    assert.equal(byName.body.totalResults, 0);
    assert.equal(byOid.body.totalResults, 0);

    const created = await scim(acme, 'POST', '/Users', entraUser({ userName: 'alice@contoso.example', externalId: ALICE_OID, givenName: 'Alice' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    aliceId = created.body.id;
    assert.equal(created.body.active, true);
    assert.equal(created.body.userType, 'ADVISOR');
    assert.equal(created.headers.get('location'), `${acme.scimUrl}/Users/${aliceId}`);

    const found = await scim(acme, 'GET', `/Users?filter=externalId+eq+${ALICE_OID}`);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, aliceId);

    const off = await scim(acme, 'PATCH', `/Users/${aliceId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(off.status, 204, JSON.stringify(off.body));
    assert.equal((await scim(acme, 'GET', `/Users/${aliceId}`)).body.active, false);
    const stillThere = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ALICE@contoso.example"')}`);
    assert.equal(stillThere.body.Resources[0].active, false, 'a deactivated user is still found, case-insensitively');

    const on = await scim(acme, 'PATCH', `/Users/${aliceId}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
    assert.equal(on.status, 204);
    assert.equal((await scim(acme, 'GET', `/Users/${aliceId}`)).body.active, true);
  });

  it('idp import stores the IdP from its metadata URL, with every signing certificate', async () => {
    const r = await server.cli(['idp', 'import', '--tenant', acme.tenantId, '--metadata', idp.metadataUrl, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.entityId, idp.entityId);
    assert.equal(out.certificates, 2);
    assert.equal((await server.cli(['idp', 'import', '--tenant', beta.tenantId, '--metadata', idp.metadataUrl])).code, 0);
  });

  it('alice signs in through the IdP login form and gets an HttpOnly session', async () => {
    const res = await loginThroughIdp(alice, `${server.url}/saml/${acme.tenantId}/login?RelayState=%2Fexchanges`, 'alice', 'alice-pass');
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get('location'), '/exchanges');
    const cookie = sessionCookie(res);
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie!, /HttpOnly/i);
    assert.match(cookie!, /SameSite=Lax/i);
    const me = await api(alice, server.url, 'GET', '/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.userId, aliceId);
    assert.equal(me.body.userType, 'ADVISOR');
  });

  let exchangeId: string;
  let docId: string;
  const plaintext = crypto.randomBytes(20 * 1024 * 1024);

  it('alice creates an exchange, uploads 20 MiB and downloads it byte-identical', async () => {
    const ex = await api(alice, server.url, 'POST', '/api/exchanges', { title: 'Müller estate 2026' });
    assert.equal(ex.status, 201);
    exchangeId = ex.body.id;

    const up = await uploadFile(alice, server.url, exchangeId, 'Bilanz 2025 ünd «final».pdf', plaintext);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    docId = up.body.id;
    assert.equal(up.body.name, 'Bilanz 2025 ünd «final».pdf');
    assert.equal(up.body.size, plaintext.length);
    assert.equal(up.body.sha256, crypto.createHash('sha256').update(plaintext).digest('hex'));

    const list = await api(alice, server.url, 'GET', `/api/exchanges/${exchangeId}/documents`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((d: { id: string }) => d.id), [docId]);

    const res = await alice.fetch(`${server.url}/api/exchanges/${exchangeId}/documents/${docId}/content`);
    assert.equal(res.status, 200);
    const got = Buffer.from(await res.arrayBuffer());
    assert.equal(got.length, plaintext.length);
    assert.ok(got.equals(plaintext), 'downloaded bytes equal the uploaded bytes');
  });

  it('the document is encrypted at rest', () => {
    const blobs = path.join(server.dataDir, 'blobs');
    const files = fs.readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.equal(files.length, 1);
    const stored = fs.readFileSync(path.join(files[0]!.parentPath, files[0]!.name));
    assert.ok(stored.length > plaintext.length, 'ciphertext carries header and tags');
    assert.equal(stored.includes(plaintext.subarray(1_000_000, 1_000_064)), false, 'no plaintext run in the stored blob');
  });

  it('an advisor of another tenant gets 404 for every route of that exchange', async () => {
    const mallory = createBrowser();
    const p = await scim(beta, 'POST', '/Users', entraUser({ userName: 'mallory@contoso.example', externalId: MALLORY_OID }));
    assert.equal(p.status, 201);
    const res = await loginThroughIdp(mallory, `${server.url}/saml/${beta.tenantId}/login`, 'mallory', 'mallory-pass');
    assert.equal(res.status, 303);
    assert.equal((await api(mallory, server.url, 'GET', '/api/me')).body.tenantId, beta.tenantId);

    for (const [method, route] of [
      ['GET', `/api/exchanges/${exchangeId}`],
      ['GET', `/api/exchanges/${exchangeId}/documents`],
      ['GET', `/api/exchanges/${exchangeId}/documents/${docId}/content`],
    ] as const) {
      const r = await api(mallory, server.url, method, route);
      assert.equal(r.status, 404, `${method} ${route}`);
    }
    const up = await uploadFile(mallory, server.url, exchangeId, 'x.txt', Buffer.from('intruder'));
    assert.equal(up.status, 404);
    assert.equal(countRows(server.dataDir, 'documents'), 1);
    // Tenant A's SCIM token is worth nothing at tenant B, and the other way round.
    assert.equal((await scim({ scimUrl: beta.scimUrl, bearerToken: acme.bearerToken }, 'GET', `/Users/${aliceId}`)).status, 401);
    assert.equal((await scim(beta, 'GET', `/Users/${aliceId}`)).status, 404);
  });

  it('a user who is not provisioned is refused with a readable page and no session', async () => {
    // mallory exists at beta, not at acme.
    const b = createBrowser();
    const res = await loginThroughIdp(b, `${server.url}/saml/${acme.tenantId}/login`, 'mallory', 'mallory-pass');
    assert.equal(res.status, 403);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /not been set up in SecureExchange/);
    assert.equal(sessionCookie(res), undefined);
  });

  it('a provisioned user without a userType (no app role in Entra) is refused with a page saying so', async () => {
    const body: any = entraUser({ userName: 'mallory@contoso.example', externalId: MALLORY_OID });
    delete body.userType;
    assert.equal((await scim(acme, 'POST', '/Users', body)).status, 201);
    const res = await loginThroughIdp(createBrowser(), `${server.url}/saml/${acme.tenantId}/login`, 'mallory', 'mallory-pass');
    assert.equal(res.status, 403);
    assert.match(await res.text(), /no SecureExchange role/);
    assert.equal(sessionCookie(res), undefined);
  });

  it('deactivating alice ends her session at once and refuses her next sign-in', async () => {
    const off = await scim(acme, 'PATCH', `/Users/${aliceId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(off.status, 204);
    assert.equal((await api(alice, server.url, 'GET', '/api/me')).status, 401);
    const res = await loginThroughIdp(createBrowser(), `${server.url}/saml/${acme.tenantId}/login`, 'alice', 'alice-pass');
    assert.equal(res.status, 403);
    assert.match(await res.text(), /deactivated/);
    assert.equal(sessionCookie(res), undefined);
  });

  it('the audit log recorded each step, and no secret reached the server log', () => {
    const actions = ['tenant.create', 'user.provision', 'user.deactivate', 'user.activate', 'idp.import', 'signin.saml', 'exchange.create', 'document.upload', 'document.download', 'signin.refused'];
    for (const a of actions) assert.ok(countRows(server.dataDir, 'audit_log', "tenant_id = 'tenant-acme' and action = ?", a) > 0, a);
    const log = server.output();
    for (const secret of [acme.bearerToken, acme.password, beta.bearerToken]) assert.equal(log.includes(secret), false);
    assert.equal(/SAMLResponse=|sx_session=/.test(log), false);
  });
});
