// Token rotation and revocation, the per-tenant rate limit, and the provisioning log as the tenant
// reads it (API and CLI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/storage/db/index.js';
import { pruneProvisioningLog } from '../../src/domain/provisioning/provisioning-log.js';
import { countRows } from '../helpers/db.js';
import { scratchDatabase } from '../helpers/test-database.js';
import { entraUser, scim } from '../helpers/scim.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { createBrowser } from '../peers/browser.js';
import { api } from '../helpers/api.js';

const settle = () => new Promise((r) => setTimeout(r, 200));

describe('SCIM tokens', () => {
  let server: RunningServer;
  let t: TenantValues;
  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Tokens', 'tokens');
  });
  after(async () => server?.stop());

  it('rotate: the new token works and the old one keeps working until revoked, then fails at once', async () => {
    const r = await server.cli(['token', 'rotate', '--tenant', 'tokens', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const fresh = { scimUrl: t.scimUrl, bearerToken: JSON.parse(r.stdout).bearerToken as string };
    assert.equal((await scim(t, 'GET', '/Users')).status, 200);
    assert.equal((await scim(fresh, 'GET', '/Users')).status, 200);
    const list = JSON.parse((await server.cli(['token', 'list', '--tenant', 'tokens', '--json'])).stdout);
    assert.equal(list.length, 2);
    assert.ok(list.every((x: { lastUsedAt: string | null }) => x.lastUsedAt), 'last use is kept');
    const revoked = await server.cli(['token', 'revoke', '--tenant', 'tokens', '--all-but-newest', '--json']);
    assert.equal(JSON.parse(revoked.stdout).revoked, 1);
    assert.equal((await scim(t, 'GET', '/Users')).status, 401);
    assert.equal((await scim(fresh, 'GET', '/Users')).status, 200);
    t = { ...t, bearerToken: fresh.bearerToken };
  });

  it('rotate with an expiry for the old token: past it, the old token is refused', async () => {
    const r = await server.cli(['token', 'rotate', '--tenant', 'tokens', '--old-expires-in-days', '0', '--json']);
    const fresh = { scimUrl: t.scimUrl, bearerToken: JSON.parse(r.stdout).bearerToken as string };
    assert.equal((await scim(t, 'GET', '/Users')).status, 401);
    assert.equal((await scim(fresh, 'GET', '/Users')).status, 200);
    t = { ...t, bearerToken: fresh.bearerToken };
  });

  it('refuses bad CLI input clearly', async () => {
    for (const days of ['soon', '', '0x10', '1e1']) {
      const bad = await server.cli(['token', 'rotate', '--tenant', 'tokens', '--old-expires-in-days', days]);
      assert.equal(bad.code, 2, `--old-expires-in-days "${days}"`);
      assert.match(bad.stderr, /whole number/);
    }
    assert.equal(JSON.parse((await server.cli(['token', 'list', '--tenant', 'tokens', '--json'])).stdout)
      .filter((x: { revokedAt: string | null; expiresAt: string | null }) => !x.revokedAt && !x.expiresAt).length, 1, 'no token was expired by a bad value');
    const none = await server.cli(['token', 'revoke', '--tenant', 'nope', '--all-but-newest']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No tenant/);
  });
});

describe('per-tenant SCIM rate limit', () => {
  let server: RunningServer;
  before(async () => { server = await startServer({ SCIM_RATE_LIMIT_PER_MINUTE: '5' }); });
  after(async () => server?.stop());

  it('answers 429 in SCIM format with Retry-After past the limit, per tenant', async () => {
    const a = await createTenant(server, 'RA');
    const b = await createTenant(server, 'RB');
    for (let i = 0; i < 5; i++) assert.equal((await scim(a, 'GET', '/Users')).status, 200);
    const limited = await scim(a, 'GET', '/Users');
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('content-type') ?? '', /scim\+json/);
    assert.equal(limited.body.status, '429');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await scim(b, 'GET', '/Users')).status, 200, 'another tenant is not affected');
  });
});

describe('provisioning log', () => {
  let server: RunningServer;
  let t: TenantValues;
  let userId: string;
  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Log', 'log');
    userId = (await scim(t, 'POST', '/Users', { ...entraUser(), nickName: 'ignored-me' })).body.id;
    await scim(t, 'GET', `/Users/${userId}`);
    await scim(t, 'POST', '/Users', { userName: 'x' });
    await scim(t, 'GET', '/Users/nope');
    await settle();
  });
  after(async () => server?.stop());

  it('the tenant signs in with its username and password and reads its log, filtered and paged', async () => {
    const b = createBrowser();
    assert.equal((await api(b, server.url, 'GET', '/api/tenant/provisioning-log')).status, 401);
    const login = await api(b, server.url, 'POST', '/api/tenant/login', { username: t.username, password: t.password });
    assert.equal(login.status, 200);
    const all = await api(b, server.url, 'GET', '/api/tenant/provisioning-log');
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 4);
    const created = all.body.items.find((e: any) => e.method === 'POST' && e.status === 201);
    assert.deepEqual(created.ignored, ['nickName']);
    assert.equal(created.userId, userId);
    const errors = await api(b, server.url, 'GET', '/api/tenant/provisioning-log?status=error');
    assert.deepEqual(errors.body.items.map((e: any) => e.status).sort(), [400, 404]);
    assert.match(errors.body.items.find((e: any) => e.status === 400).error, /required/i);
    const byUser = await api(b, server.url, 'GET', `/api/tenant/provisioning-log?userId=${userId}`);
    assert.equal(byUser.body.total, 2);
    const page = await api(b, server.url, 'GET', '/api/tenant/provisioning-log?startIndex=2&count=1');
    assert.equal(page.body.items.length, 1);
    assert.equal((await api(b, server.url, 'GET', '/api/tenant/provisioning-log?status=teapot')).status, 400);
  });

  it('the CLI reads the same log', async () => {
    const r = await server.cli(['provisioning-log', '--tenant', 'log', '--status', '4xx', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).total, 2);
  });

  it('wrong passwords lock the tenant sign-in with a growing back-off', async () => {
    const b = createBrowser();
    for (let i = 0; i < 5; i++) {
      assert.equal((await api(b, server.url, 'POST', '/api/tenant/login', { username: t.username, password: 'wrong' })).status, 401);
    }
    const locked = await api(b, server.url, 'POST', '/api/tenant/login', { username: t.username, password: t.password });
    assert.equal(locked.status, 429, 'even the right password waits out the lock');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal((await api(b, server.url, 'POST', '/api/tenant/login', { username: 'nobody', password: 'x' })).status, 401);
    assert.equal(countRows(server.dataDir, 'tenant_sessions'), 1, 'only the first, successful sign-in made a session');
  });

  it('entries older than the retention period are removed, newer ones kept', async () => {
    const scratch = await scratchDatabase();
    const db = await openDatabase(scratch.target);
    try {
      const row = { tenant_id: 't', method: 'GET', path: '/Users', status: 200, user_id: null, detail: null };
      await db.insertInto('provisioning_log').values([
        { ...row, at: new Date(Date.now() - 31 * 86_400_000).toISOString() },
        { ...row, at: new Date(Date.now() - 29 * 86_400_000).toISOString() },
      ]).execute();
      const removed = await pruneProvisioningLog({ db, config: { provisioningLogDays: 30 } as never });
      assert.equal(removed, 1);
      assert.equal((await db.selectFrom('provisioning_log').selectAll().execute()).length, 1);
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });
});
