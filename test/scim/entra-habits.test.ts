// Entra's provisioning habits (spec/entra-scim-habits.md), each as Entra sends it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { countRows } from '../helpers/db.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';

describe('Entra SCIM habits', () => {
  let server: RunningServer;
  let t: TenantValues;
  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Habits');
  });
  after(async () => server?.stop());

  it('POST: userType under a custom extension URN not listed in schemas, nulls, a misspelt schema URN, unknown attributes', async () => {
    const body: any = entraUser();
    delete body.userType;
    body.schemas.push('urn:ietf:params:scim:schemas:extensions:enterprise:2.0:User');
    body['urn:ietf:params:scim:schemas:extension:SecureExchange:2.0:User'] = { userType: 'Admin' };
    body.title = null;
    body.nickName = 'Bobby';
    body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] = { department: 'Tax' };
    const r = await scim(t, 'POST', '/Users', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.userType, 'ADMIN');
    assert.equal(r.body.preferredLanguage, 'EN');
    // The ignored attributes are named in the provisioning log (written in batches every 50 ms).
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(countRows(server.dataDir, 'provisioning_log', "detail like '%nickName%' and detail like '%department%'"), 1);
  });

  it('PATCH flag shape: lower-case op, real booleans, one path-less op with dotted and URN keys', async () => {
    const u = await scim(t, 'POST', '/Users', entraUser());
    const p = await scim(t, 'PATCH', `/Users/${u.body.id}`, patchOp({
      op: 'replace',
      value: { 'name.givenName': 'Renamed', active: false, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Audit' },
    }));
    assert.equal(p.status, 204, JSON.stringify(p.body));
    const r = await scim(t, 'GET', `/Users/${u.body.id}`);
    assert.equal(r.body.name.givenName, 'Renamed');
    assert.equal(r.body.active, false);
  });

  it('PATCH value paths: Replace the work email, Remove a home email that is not there, an empty Operations list', async () => {
    const u = await scim(t, 'POST', '/Users', entraUser());
    const id = u.body.id;
    const r = await scim(t, 'PATCH', `/Users/${id}?excludedAttributes=name`, patchOp(
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'moved@contoso.example' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+41 79 111 11 11' },
      { op: 'Remove', path: 'emails[type eq "home"]' },
    ));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.emails[0].value, 'moved@contoso.example');
    assert.equal(r.body.phoneNumbers[0].value, '+41 79 111 11 11');
    assert.equal(r.body.name, undefined, 'excludedAttributes=name');
    const none = await scim(t, 'PATCH', `/Users/${id}`, patchOp());
    assert.equal(none.status, 204);
    assert.equal((await scim(t, 'GET', `/Users/${id}`)).body.meta.version, r.body.meta.version.replace(/\d+/, (v: string) => String(Number(v) + 1)));
  });

  it('userType may change later (an app role reassigned); preferredLanguage stays when PUT omits it', async () => {
    const u = await scim(t, 'POST', '/Users', { ...entraUser(), preferredLanguage: 'fr' });
    assert.equal(u.body.preferredLanguage, 'FR');
    const r = await scim(t, 'PATCH', `/Users/${u.body.id}?attributes=userType`, patchOp({ op: 'Replace', path: 'userType', value: 'ADMIN' }));
    assert.equal(r.body.userType, 'ADMIN');
    const put: any = { ...entraUser({ userName: u.body.userName }), userType: 'ADVISOR' };
    delete put.preferredLanguage;
    delete put.externalId;
    const p = await scim(t, 'PUT', `/Users/${u.body.id}`, put);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.preferredLanguage, 'FR');
    assert.equal(p.body.externalId, u.body.externalId);
    assert.equal(p.body.meta.version, 'W/"3"');
  });

  it('hard DELETE answers 204, then the user is gone', async () => {
    const u = await scim(t, 'POST', '/Users', entraUser());
    assert.equal((await scim(t, 'DELETE', `/Users/${u.body.id}`)).status, 204);
    assert.equal((await scim(t, 'GET', `/Users/${u.body.id}`)).status, 404);
    assert.equal((await scim(t, 'GET', `/Users?filter=externalId+eq+%22${u.body.externalId}%22`)).body.totalResults, 0);
  });

  it('pages of 5, 1-based, in a stable order that never repeats or skips', async () => {
    const seen: string[] = [];
    const total = (await scim(t, 'GET', '/Users?count=0')).body.totalResults;
    for (let start = 1; start <= total; start += 5) {
      const page = await scim(t, 'GET', `/Users?startIndex=${start}&count=5`);
      assert.equal(page.body.startIndex, start);
      assert.ok(page.body.Resources.length <= 5);
      seen.push(...page.body.Resources.map((r: { id: string }) => r.id));
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
  });

  it('50 parallel POSTs of one userName: exactly one 201, the rest 409 uniqueness', async () => {
    const userName = `race-${crypto.randomUUID()}@contoso.example`;
    const results = await Promise.all(Array.from({ length: 50 }, () => scim(t, 'POST', '/Users', entraUser({ userName }))));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.scimType, 'uniqueness');
    assert.equal(countRows(server.dataDir, 'users', 'user_name_key = ?', userName), 1);
  });

  it('50 parallel POSTs of one externalId under different userNames: exactly one 201', async () => {
    const externalId = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => scim(t, 'POST', '/Users', entraUser({ externalId }))));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.ok(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.scimType === 'uniqueness'));
    assert.equal(countRows(server.dataDir, 'users', 'external_id = ?', externalId), 1);
  });

  it('discovery tells the truth', async () => {
    const spc = await scim(t, 'GET', '/ServiceProviderConfig');
    assert.equal(spc.body.patch.supported, true);
    assert.equal(spc.body.bulk.supported, false);
    assert.equal(spc.body.filter.supported, true);
    assert.equal(spc.body.etag.supported, true);
    assert.equal(spc.body.authenticationSchemes[0].type, 'oauthbearertoken');
    const rt = await scim(t, 'GET', '/ResourceTypes');
    assert.deepEqual(rt.body.Resources.map((r: { id: string }) => r.id), ['User']);
    const schemas = await scim(t, 'GET', '/Schemas');
    const userName = schemas.body.Resources[0].attributes.find((a: { name: string }) => a.name === 'userName');
    assert.equal(userName.mutability, 'immutable');
    assert.equal(userName.caseExact, false);
  });
});
