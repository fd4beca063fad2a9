// Bad SCIM input gets SCIM error JSON with the right status and scimType, and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countRows } from '../helpers/db.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

function assertScimError(r: { status: number; body: any; headers: Headers }, status: number, scimType?: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /application\/scim\+json/);
  assert.deepEqual(r.body.schemas, [ERROR]);
  assert.equal(r.body.status, String(status));
  if (scimType) assert.equal(r.body.scimType, scimType);
  assert.equal(typeof r.body.detail, 'string');
  assert.doesNotMatch(JSON.stringify(r.body), /at .*\.(js|ts):\d+|node_modules|\/src\//, 'no stack or path');
}

describe('SCIM bad input', () => {
  let server: RunningServer;
  let a: TenantValues;
  let b: TenantValues;
  before(async () => {
    server = await startServer();
    a = await createTenant(server, 'A');
    b = await createTenant(server, 'B');
  });
  after(async () => server?.stop());

  const users = () => countRows(server.dataDir, 'users');

  it('a body that is not JSON is 400 invalidSyntax', async () => {
    assertScimError(await scim(a, 'POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    assertScimError(await scim(a, 'POST', '/Users', '[1,2'), 400, 'invalidSyntax');
    assertScimError(await scim(a, 'POST', '/Users', '"just a string"'), 400, 'invalidSyntax');
    assert.equal(users(), 0);
  });

  for (const [label, mutate, attr] of [
    ['userName', (u: any) => { delete u.userName; }, 'userName'],
    ['work email', (u: any) => { delete u.emails; }, 'emails[type eq "work"].value'],
    ['givenName', (u: any) => { delete u.name.givenName; }, 'name.givenName'],
    ['familyName', (u: any) => { u.name.familyName = ''; }, 'name.familyName'],
  ] as const) {
    it(`a missing ${label} is 400 and the error names it`, async () => {
      const body = entraUser();
      mutate(body);
      const r = await scim(a, 'POST', '/Users', body);
      assertScimError(r, 400, 'invalidValue');
      assert.ok(r.body.detail.includes(attr), r.body.detail);
      assert.equal(users(), 0);
    });
  }

  it('a user without mobile number or userType is kept (and cannot sign in until it has a role)', async () => {
    const body: any = entraUser();
    delete body.userType;
    body.phoneNumbers = [{ type: 'fax', value: '+41 1' }];
    const r = await scim(a, 'POST', '/Users', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.userType, undefined);
    assert.equal(r.body.phoneNumbers, undefined);
    assert.equal((await scim(a, 'DELETE', `/Users/${r.body.id}`)).status, 204);
  });

  it('a userType or language outside the lists is set aside and noted, not a failure of the user', async () => {
    const r = await scim(a, 'POST', '/Users', { ...entraUser(), userType: 'SUPERUSER', preferredLanguage: 'xh' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.userType, undefined, 'no role: cannot sign in until Entra sends ADMIN or ADVISOR');
    assert.equal(r.body.preferredLanguage, 'EN', 'the tenant default');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(countRows(server.dataDir, 'provisioning_log', "detail like '%SUPERUSER%' and detail like '%xh%'"), 1);
    assert.equal((await scim(a, 'DELETE', `/Users/${r.body.id}`)).status, 204);
  });

  it('wrong types and values are 400, never 500', async () => {
    for (const body of [
      { ...entraUser(), userType: 42 },
      { ...entraUser(), preferredLanguage: ['EN'] },
      { ...entraUser(), active: 'maybe' },
      { ...entraUser(), userName: 42 },
      { ...entraUser(), emails: 'a@b.c' },
      { ...entraUser(), emails: [{ type: 'work', value: 'not-an-address' }] },
      { ...entraUser(), name: 'Alice' },
    ]) {
      assertScimError(await scim(a, 'POST', '/Users', body), 400);
    }
    assert.equal(users(), 0);
  });

  it('an unknown tenant, a wrong token, no token and another tenant\'s token are all 401', async () => {
    const made = await scim(a, 'POST', '/Users', entraUser());
    assert.equal(made.status, 201);
    const id = made.body.id;
    const before = users();
    assertScimError(await scim({ scimUrl: `${server.url}/scim/v2/no-such-tenant`, bearerToken: a.bearerToken }, 'GET', '/Users'), 401);
    assertScimError(await scim({ scimUrl: a.scimUrl, bearerToken: 'x'.repeat(43) }, 'GET', '/Users'), 401);
    assertScimError(await scim({ scimUrl: a.scimUrl, bearerToken: b.bearerToken }, 'GET', `/Users/${id}`), 401);
    assertScimError(await scim({ scimUrl: a.scimUrl, bearerToken: b.bearerToken }, 'POST', '/Users', entraUser()), 401);
    assertScimError(await scim({ scimUrl: a.scimUrl, bearerToken: b.bearerToken }, 'DELETE', `/Users/${id}`), 401);
    const noAuth = await fetch(`${a.scimUrl}/Users`);
    assert.equal(noAuth.status, 401);
    assert.equal(users(), before);
    // Tenant B's own token cannot see A's user either: 404, as for a missing id.
    assertScimError(await scim(b, 'GET', `/Users/${id}`), 404);
    assertScimError(await scim(b, 'PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })), 404);
    assert.equal((await scim(a, 'GET', `/Users/${id}`)).body.active, true);
  });

  it('duplicates are 409 uniqueness, userName compared case-insensitively', async () => {
    const u = entraUser();
    assert.equal((await scim(a, 'POST', '/Users', u)).status, 201);
    const before = users();
    assertScimError(await scim(a, 'POST', '/Users', { ...u, externalId: 'other', userName: u.userName.toUpperCase() }), 409, 'uniqueness');
    assertScimError(await scim(a, 'POST', '/Users', { ...entraUser(), externalId: u.externalId }), 409, 'uniqueness');
    assert.equal(users(), before);
  });

  it('changing userName is 400 mutability and changes nothing', async () => {
    const made = await scim(a, 'POST', '/Users', entraUser());
    const id = made.body.id;
    assertScimError(await scim(a, 'PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'userName', value: 'new@contoso.example' })), 400, 'mutability');
    assertScimError(await scim(a, 'PUT', `/Users/${id}`, { ...entraUser(), userName: 'other@contoso.example' }), 400, 'mutability');
    const after = await scim(a, 'GET', `/Users/${id}`);
    assert.equal(after.body.userName, made.body.userName);
    assert.equal(after.body.meta.version, made.body.meta.version);
  });

  it('a PATCH with one bad operation changes nothing (all-or-nothing)', async () => {
    const made = await scim(a, 'POST', '/Users', entraUser());
    const r = await scim(a, 'PATCH', `/Users/${made.body.id}`, patchOp(
      { op: 'Replace', path: 'name.givenName', value: 'Changed' },
      { op: 'Replace', path: 'active', value: 'maybe' },
    ));
    assertScimError(r, 400, 'invalidValue');
    assert.equal((await scim(a, 'GET', `/Users/${made.body.id}`)).body.name.givenName, 'Given');
    assertScimError(await scim(a, 'PATCH', `/Users/${made.body.id}`, { Operations: [{ op: 'move', path: 'active' }] }), 400, 'invalidSyntax');
    assertScimError(await scim(a, 'PATCH', `/Users/${made.body.id}`, { Operations: 'x' }), 400, 'invalidSyntax');
  });

  it('bad filters are 400 invalidFilter', async () => {
    for (const f of ['userName eq', 'userName foo "x"', '(userName eq "x"', 'userName eq "x")', 'password eq "x"', 'userName eq "unterminated', 'active gt true', '']) {
      const r = await scim(a, 'GET', `/Users?filter=${encodeURIComponent(f)}`);
      if (f === '') { assert.equal(r.status, 200); continue; }
      assertScimError(r, 400, 'invalidFilter');
    }
    assertScimError(await scim(a, 'GET', '/Users?startIndex=abc'), 400, 'invalidValue');
  });

  it('unknown ids and endpoints are SCIM 404s; group writes a SCIM error; group reads an empty list', async () => {
    assertScimError(await scim(a, 'GET', '/Users/00000000-0000-0000-0000-000000000000'), 404);
    assertScimError(await scim(a, 'DELETE', '/Users/nope'), 404);
    assertScimError(await scim(a, 'GET', '/Nope'), 404);
    assertScimError(await scim(a, 'POST', '/Groups', { displayName: 'g' }), 405);
    const groups = await scim(a, 'GET', '/Groups?filter=displayName+eq+%22x%22');
    assert.equal(groups.status, 200);
    assert.equal(groups.body.totalResults, 0);
  });

  it('If-Match is honoured when sent: a stale version is 412', async () => {
    const made = await scim(a, 'POST', '/Users', entraUser());
    const op = patchOp({ op: 'Replace', path: 'name.givenName', value: 'X' });
    assertScimError(await scim(a, 'PATCH', `/Users/${made.body.id}`, op, { 'if-match': 'W/"99"' }), 412);
    assert.equal((await scim(a, 'PATCH', `/Users/${made.body.id}`, op, { 'if-match': made.body.meta.version })).status, 204);
  });

  it('every request of the tenant is in its provisioning log, with the reason of failures', () => {
    const failures = countRows(server.dataDir, 'provisioning_log', 'tenant_id = ? and status >= 400 and detail is not null', a.tenantId);
    assert.ok(failures >= 10, `failures logged: ${failures}`);
    assert.equal(countRows(server.dataDir, 'provisioning_log', 'tenant_id = ?', 'no-such-tenant'), 0);
  });
});

// Inputs found by a hostile-input review; each once answered 500 or did the wrong thing.
describe('SCIM hostile input, kept as regressions', () => {
  let server: RunningServer;
  let t: TenantValues;
  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Hostile');
  });
  after(async () => server?.stop());

  it('a startIndex beyond any integer the database takes is an empty page, not a 500', async () => {
    for (const s of ['99999999999999999999', '9223372036854775808']) {
      const r = await scim(t, 'GET', `/Users?startIndex=${s}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.Resources, []);
    }
  });

  it('a filter given twice is 400 invalidFilter', async () => {
    assertScimError(await scim(t, 'GET', '/Users?filter=a&filter=b'), 400, 'invalidFilter');
  });

  it('a body nested thousands deep is 400, not a stack overflow', async () => {
    const u = await scim(t, 'POST', '/Users', entraUser());
    const n = 4000;
    const deep = `{"Operations":[{"op":"add","path":"x","value":${'['.repeat(n)}${']'.repeat(n)}}]}`;
    assertScimError(await scim(t, 'PATCH', `/Users/${u.body.id}`, deep), 400, 'invalidValue');
    assertScimError(await scim(t, 'POST', '/Users', `{"a":${'{"b":'.repeat(n)}1${'}'.repeat(n)}}`), 400);
    assert.equal((await scim(t, 'GET', `/Users/${u.body.id}`)).body.meta.version, 'W/"1"');
  });

  it('dates outside years 1–9999 in a filter are 400, not a wrong answer', async () => {
    for (const d of ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00Z']) {
      assertScimError(await scim(t, 'GET', `/Users?filter=${encodeURIComponent(`meta.created gt "${d}"`)}`), 400, 'invalidFilter');
    }
  });

  it('remove active leaves the user inactive; a PUT without active does not re-activate', async () => {
    const u = await scim(t, 'POST', '/Users', entraUser());
    const removed = await scim(t, 'PATCH', `/Users/${u.body.id}?attributes=active`, patchOp({ op: 'remove', path: 'active' }));
    assert.equal(removed.status, 200);
    assert.equal(removed.body.active, false);
    assert.equal(removed.body.userName, undefined, 'attributes=active projects the answer');
    const body: any = entraUser({ userName: u.body.userName });
    delete body.active;
    const put = await scim(t, 'PUT', `/Users/${u.body.id}`, body);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.active, false);
  });

  it('writes to /Groups are a SCIM error, never a 5xx', async () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await scim(t, m, m === 'POST' ? '/Groups' : '/Groups/g1', m === 'DELETE' ? undefined : { displayName: 'g' });
      assertScimError(r, 405);
    }
  });

  it('malformed URLs answer SCIM error JSON', async () => {
    assertScimError(await scim(t, 'GET', '/Users/%zz'), 400);
    const r = await fetch(`${server.url}/scim/v2/%E0%A4%A/Users`, { headers: { authorization: `Bearer ${t.bearerToken}` } });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type') ?? '', /scim\+json/);
  });
});
