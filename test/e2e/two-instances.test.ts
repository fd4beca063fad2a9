// Two app instances on one PostgreSQL database, as behind a load balancer (issue 7): a sign-in on one
// is a session on the other, a replayed response is refused by the other, SCIM writes alternating
// between them lose no update, a token revoked through the CLI fails on both at once, the SCIM rate
// limit is one limit for both, and one instance killed leaves the other serving. PostgreSQL only.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { entraSigner } from '../../bench/saml-signer.js';
import { Browser, firm, type Firm } from '../helpers/people.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { onPostgres } from '../helpers/test-database.js';

/** The same tenant values, addressed to instance `s` (the load balancer's choice). */
const via = (s: RunningServer, t: TenantValues): TenantValues => ({ ...t, scimUrl: t.scimUrl.replace(/^https?:\/\/[^/]+/, s.url) });

describe('two instances, one PostgreSQL database', { skip: !onPostgres && 'several instances need PostgreSQL (TEST_DATABASE=postgres)' }, () => {
  let a: RunningServer;
  let b: RunningServer;
  let f: Firm;
  before(async () => {
    const shared = { SECURE_EXCHANGE_MASTER_KEY: crypto.randomBytes(32).toString('hex'), SCIM_RATE_LIMIT_PER_MINUTE: '400' };
    a = await startServer(shared);
    // The same public URL (SCIM and ACS URLs, SAML Destination) and database: only the address differs.
    b = await startServer({ ...shared, DATABASE_URL: a.env.DATABASE_URL, PUBLIC_URL: a.env.PUBLIC_URL });
    f = await firm(a);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  const postAcs = (s: RunningServer, samlResponse: string) => new Browser(s).fetch('POST', `/saml/${encodeURIComponent(f.tenant.tenantId)}/acs`, {
    body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: '/' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('a session made on one instance works on the other; a response replayed there is refused', async () => {
    const advisor = await f.staff('ADVISOR', { signIn: false });
    const r = entraSigner().sign({ acsUrl: f.tenant.samlUrl, audience: f.tenant.tenantId, upn: advisor.userName, objectId: advisor.externalId });
    const first = await postAcs(a, r.samlResponse);
    assert.equal(first.status, 303, await first.text());
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const me = await fetch(`${b.url}/api/exchanges`, { headers: { cookie } });
    assert.equal(me.status, 200, 'the session is valid on the other instance');
    const replay = await postAcs(b, r.samlResponse);
    assert.notEqual(replay.status, 303, 'the other instance knows the assertion was used');
    assert.equal(replay.headers.getSetCookie().some((c) => c.startsWith('sx_session=') && !/max-age=0/i.test(c)), false);
  });

  it('SCIM PATCHes alternating between the instances lose no update', async () => {
    const created = await scim(via(a, f.tenant), 'POST', '/Users', entraUser({ userName: `pat-${crypto.randomUUID().slice(0, 8)}@contoso.example`, externalId: crypto.randomUUID() }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const N = 30;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
      scim(via(i % 2 ? b : a, f.tenant), 'PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: `name ${i}` }))));
    assert.deepEqual(answers.filter((r) => r.status !== 200 && r.status !== 204).map((r) => r.status), []);
    const user = await scim(via(b, f.tenant), 'GET', `/Users/${id}`);
    // Every PATCH built on the one before it: the version counts them all.
    assert.equal(user.body.meta.version, created.body.meta.version.replace(/\d+/, (v: string) => String(Number(v) + N)));
  });

  it('50 parallel POSTs of one userName spread over both instances: exactly one 201', async () => {
    const userName = `dup-${crypto.randomUUID().slice(0, 8)}@contoso.example`;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      scim(via(i % 2 ? b : a, f.tenant), 'POST', '/Users', entraUser({ userName: i % 3 ? userName : userName.toUpperCase(), externalId: crypto.randomUUID() }))));
    const statuses = answers.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 49, JSON.stringify(statuses));
  });

  it('a token revoked through the CLI fails at once on both instances', async () => {
    const rotated = JSON.parse((await a.cli(['token', 'rotate', '--tenant', f.tenant.tenantId, '--json'])).stdout) as { bearerToken: string };
    const old = f.tenant;
    const probe = (s: RunningServer, t: TenantValues) => scim(via(s, t), 'GET', '/Users?count=1');
    assert.equal((await probe(a, old)).status, 200);
    assert.equal((await probe(b, old)).status, 200);
    const revoked = await b.cli(['token', 'revoke', '--tenant', f.tenant.tenantId, '--all-but-newest', '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await probe(a, old)).status, 401);
    assert.equal((await probe(b, old)).status, 401);
    f.tenant = { ...f.tenant, bearerToken: rotated.bearerToken };
    assert.equal((await probe(b, f.tenant)).status, 200);
  });

  it('the SCIM rate limit is one limit for both instances', async () => {
    // 400 a minute for the tenant (set above): the requests so far used part of it; 500 more cannot all pass.
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => scim(via(i % 2 ? b : a, f.tenant), 'GET', '/ServiceProviderConfig')));
    const limited = answers.filter((r) => r.status === 429);
    assert.ok(limited.length >= 100, `${limited.length} of 500 answered 429`);
    assert.ok(answers.filter((r) => r.status === 429 && r.headers.get('retry-after')).length === limited.length, 'each 429 says when to retry');
  });

  it('one instance killed, the other keeps serving', async () => {
    await a.crash();
    // A fresh tenant: the first one's rate-limit window is used up.
    const t = await b.cli(['tenant', 'create', '--name', `After ${crypto.randomUUID().slice(0, 8)}`, '--json']);
    assert.equal(t.code, 0, t.stderr);
    const tenant = JSON.parse(t.stdout) as TenantValues;
    const created = await scim(via(b, tenant), 'POST', '/Users', entraUser({ userName: 'survivor@contoso.example', externalId: crypto.randomUUID() }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
  });
});
