// Two app instances on one PostgreSQL database, as behind a load balancer (issue 7): a sign-in on one
// is a session on the other, a replayed response is refused by the other, SCIM writes alternating
// between them lose no update, a token revoked through the CLI fails on both at once, the SCIM rate
// limit is one limit for both, an SP-initiated sign-in started on one finishes on the other, and one
// instance killed mid-upload leaves the other serving every stored document from the shared bucket
// (s3rver) with no trace of the cut upload. PostgreSQL only.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { entraSigner } from '../../bench/saml-signer.js';
import http from 'node:http';
import { upload } from '../helpers/exchanges.js';
import { Browser, CSRF, firm, type Firm } from '../helpers/people.js';
import { s3ServerEnv, startLocalS3, type LocalS3 } from '../helpers/s3rver.js';
import { entraUser, patchOp, scim } from '../helpers/scim.js';
import { startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { onPostgres } from '../helpers/test-database.js';

const BUCKET = 'sx-two-instances';

/** The same tenant values, addressed to instance `s` (the load balancer's choice). */
const via = (s: RunningServer, t: TenantValues): TenantValues => ({ ...t, scimUrl: t.scimUrl.replace(/^https?:\/\/[^/]+/, s.url) });

describe('two instances, one PostgreSQL database', { skip: !onPostgres && 'several instances need PostgreSQL (TEST_DATABASE=postgres)' }, () => {
  let a: RunningServer;
  let b: RunningServer;
  let f: Firm;
  let s3: LocalS3;
  before(async () => {
    s3 = await startLocalS3([BUCKET]);
    // One bucket for both, as behind a load balancer: a document stored through one is read through the other.
    const shared = {
      SECURE_EXCHANGE_MASTER_KEY: crypto.randomBytes(32).toString('hex'), SCIM_RATE_LIMIT_PER_MINUTE: '400', ...s3ServerEnv(s3, BUCKET),
    };
    a = await startServer(shared);
    // The same public URL (SCIM and ACS URLs, SAML Destination) and database: only the address differs.
    b = await startServer({ ...shared, DATABASE_URL: a.env.DATABASE_URL, PUBLIC_URL: a.env.PUBLIC_URL });
    f = await firm(a);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await s3?.stop();
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

  it('an SP-initiated sign-in started on one instance finishes on the other, once', async (t) => {
    // Unsolicited answers refused, so only an answer to a request some instance made can sign in (by
    // default a tenant takes unsolicited ones: the My Apps tile, Entra's Test button).
    const policy = (allow: boolean) => a.cli(['tenant', 'set', '--tenant', f.tenant.tenantId, '--allow-idp-initiated', String(allow)]);
    assert.equal((await policy(false)).code, 0);
    t.after(async () => { await policy(true); });
    const advisor = await f.staff('ADVISOR', { signIn: false });
    const start = await new Browser(a).fetch('GET', `/saml/${encodeURIComponent(f.tenant.tenantId)}/login`);
    assert.equal(start.status, 302);
    const request = inflateRawSync(Buffer.from(new URL(start.headers.get('location')!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    const requestId = /\sID="([^"]+)"/.exec(request)?.[1];
    assert.ok(requestId, request);
    const sign = (inResponseTo: string) => entraSigner().sign({ acsUrl: f.tenant.samlUrl, audience: f.tenant.tenantId, upn: advisor.userName, objectId: advisor.externalId, inResponseTo });
    // An answer to a request no instance made is refused on either.
    const forged = await postAcs(b, sign(`_${crypto.randomUUID()}`).samlResponse);
    assert.notEqual(forged.status, 303, 'InResponseTo of a request never made');
    const answer = await postAcs(b, sign(requestId).samlResponse);
    assert.equal(answer.status, 303, await answer.text());
    assert.ok(answer.headers.getSetCookie().some((c) => c.startsWith('sx_session=')), 'signed in on the other instance');
    // The request is used up: a second answer to it (a fresh assertion) is refused, on the first instance too.
    const again = await postAcs(a, sign(requestId).samlResponse);
    assert.notEqual(again.status, 303, 'the request was answered already');
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

  it('one instance killed mid-upload: the other serves the documents, takes new ones, shows no half upload', async () => {
    // A firm of its own (the first one's token was revoked above), signed in through B.
    const advisor = await (await firm(b)).staff('ADVISOR');
    const x = await advisor.browser.api('POST', '/exchanges', { title: 'Two instances' });
    assert.equal(x.status, 201, x.text);
    const throughA = new Browser(a);
    for (const [k, v] of advisor.browser.cookies) throughA.cookies.set(k, v);
    const bytes = crypto.randomBytes(300_000);
    const stored = await upload(throughA, x.body.id, 'through-a.bin', bytes);
    assert.equal(stored.status, 201, stored.text);
    // An upload into A that A never finishes: 64 MiB announced, 8 MiB sent, then A is killed.
    const boundary = 'sx-two-instances';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const cut = new Promise<void>((resolve) => {
      const req = http.request(`${a.url}/api/exchanges/${x.body.id}/documents`, {
        method: 'POST', headers: { cookie: advisor.browser.cookieHeader(), ...CSRF, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + 64 * 1024 * 1024 },
      }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', () => resolve());
      req.write(head);
      req.write(crypto.randomBytes(8 * 1024 * 1024));
    });
    await new Promise((r) => setTimeout(r, 300));
    await a.crash();
    await cut;
    const onB = advisor.browser;
    const got = await onB.fetch('GET', `/api/exchanges/${x.body.id}/documents/${stored.body.id}/content`);
    assert.equal(got.status, 200);
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(bytes), 'stored through A, read through B byte-identical');
    const next = await upload(onB, x.body.id, 'through-b.bin', crypto.randomBytes(1000));
    assert.equal(next.status, 201, next.text);
    const list = await onB.api('GET', `/exchanges/${x.body.id}/documents`);
    const names = (list.body.items ?? list.body).map((d: { name: string }) => d.name).sort();
    assert.deepEqual(names, ['through-a.bin', 'through-b.bin'], 'the cut upload is nowhere');
  });

  it('one instance killed, the other keeps serving', async () => {
    await a.crash(); // already down after the test above; crash() does nothing then
    // A fresh tenant: the first one's rate-limit window is used up.
    const t = await b.cli(['tenant', 'create', '--name', `After ${crypto.randomUUID().slice(0, 8)}`, '--json']);
    assert.equal(t.code, 0, t.stderr);
    const tenant = JSON.parse(t.stdout) as TenantValues;
    const created = await scim(via(b, tenant), 'POST', '/Users', entraUser({ userName: 'survivor@contoso.example', externalId: crypto.randomUUID() }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
  });
});
