// What the web app needs of the server (issue 6): CSRF protection on every write, a CSP without inline
// scripts, the app served at / and its deep links, home-realm discovery by e-mail domain, and the
// tenant's own SCIM status with token rotation and revocation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, firm, type Firm } from '../helpers/people.js';
import { scim } from '../helpers/scim.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('web sessions and the API the web app uses', () => {
  let server: RunningServer;
  let f: Firm;
  before(async () => {
    server = await startServer();
    f = await firm(server);
  });
  after(async () => server?.stop());

  it('refuses a write without the CSRF header, even with a valid session and no Origin', async () => {
    const advisor = await f.staff('ADVISOR');
    const bare = await advisor.browser.api('POST', '/exchanges', { title: 'x' }, { 'x-secure-exchange-csrf': '' });
    assert.equal(bare.status, 403, bare.text);
    assert.match(bare.body.error.message, /x-secure-exchange-csrf/);
    const wrong = await advisor.browser.api('POST', '/exchanges', { title: 'x' }, { 'x-secure-exchange-csrf': 'yes' });
    assert.equal(wrong.status, 403);
    const foreign = await advisor.browser.api('POST', '/exchanges', { title: 'x' }, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403, 'a foreign Origin is refused even with the header');
    const ok = await advisor.browser.api('POST', '/exchanges', { title: 'x' });
    assert.equal(ok.status, 201, ok.text);
    // Reads need no header (they change nothing), and sign-in is a write like any other.
    assert.equal((await advisor.browser.api('GET', '/exchanges')).status, 200);
    const login = await new Browser(server).api('POST', '/tenant/login', { username: f.tenant.username, password: f.tenant.password }, { 'x-secure-exchange-csrf': '' });
    assert.equal(login.status, 403);
  });

  it('keeps session cookies HttpOnly and SameSite', async () => {
    const b = new Browser(server);
    const res = await b.fetch('POST', '/api/tenant/login', { json: { username: f.tenant.username, password: f.tenant.password } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sx_tenant='));
    assert.match(cookie ?? '', /HttpOnly/i);
    assert.match(cookie ?? '', /SameSite=Lax/i);
  });

  it('serves the app at / and its deep links, with a CSP that allows no inline script', async () => {
    for (const p of ['/', '/signin', '/t/acme', '/invite/abc', '/app/exchanges/x', '/console/users', '/client', '/admin']) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
      assert.doesNotMatch(html, /<script>|<script type="module">/, 'no inline script in the page');
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.equal(scriptSrc.trim(), "'self'", csp);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
    }
    const html = await (await fetch(server.url)).text();
    const js = /src="(\/assets\/[^"]+)"/.exec(html)![1]!;
    const asset = await fetch(server.url + js);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    for (const bad of ['/assets/..%2Fpackage.json', '/assets/.hidden', '/assets/nope.js']) {
      assert.equal((await fetch(server.url + bad)).status, 404, bad);
    }
    // Other paths stay the 404 of their protocol, not the app.
    assert.equal((await fetch(`${server.url}/api/nope`)).status, 404);
  });

  it('finds the firm of an e-mail domain, and only when exactly one firm has it', async () => {
    const advisor = await f.staff('ADVISOR');
    const domain = advisor.userName.split('@')[1]!;
    // firm() provisions everyone under contoso.example: give this firm a domain of its own.
    const own = await scim(f.tenant, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'zoe@own-domain.example', externalId: 'zoe-1', active: true,
      emails: [{ type: 'work', value: 'zoe@own-domain.example' }], name: { givenName: 'Zoe', familyName: 'Own' },
      phoneNumbers: [{ type: 'mobile', value: '+41 79 555 00 00' }], userType: 'ADVISOR',
    });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const anon = new Browser(server);
    const found = await anon.api('GET', '/signin/lookup?email=someone%40OWN-domain.example');
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.tenantId, f.tenant.tenantId);
    assert.equal(found.body.loginUrl, `/saml/${encodeURIComponent(f.tenant.tenantId)}/login`);
    await firm(server); // a second firm with staff of the same domain
    await (await firm(server)).staff('ADVISOR');
    assert.equal((await anon.api('GET', `/signin/lookup?email=x%40${domain}`)).status, 404, 'two firms: no guess');
    assert.equal((await anon.api('GET', '/signin/lookup?email=x%40nobody.example')).status, 404);
    for (const bad of ['', 'not-an-address', 'x@%25.example', `x@${'a'.repeat(400)}.example`]) {
      assert.equal((await anon.api('GET', `/signin/lookup?email=${encodeURIComponent(bad)}`)).status, 400, bad);
    }
  });

  it('shows the tenant its SCIM status and lets it rotate and revoke tokens', async () => {
    const g = await firm(server);
    await g.staff('ADVISOR');
    await scim(g.tenant, 'GET', '/Users/does-not-exist');
    // The provisioning log is written in batches every 50 ms.
    let status = await g.console.api('GET', '/tenant/scim');
    for (let i = 0; i < 40 && !status.body.lastError; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await g.console.api('GET', '/tenant/scim');
    }
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.tokens.length, 1);
    assert.ok(status.body.tokens[0].lastUsedAt, 'the token was used');
    assert.equal(status.body.lastError.status, 404);
    assert.ok(status.body.lastRequest);

    const rotated = await g.console.api('POST', '/tenant/scim/tokens', {});
    assert.equal(rotated.status, 201, rotated.text);
    const fresh = { ...g.tenant, bearerToken: rotated.body.bearerToken as string };
    assert.equal((await scim(fresh, 'GET', '/Users')).status, 200, 'the new token works');
    assert.equal((await scim(g.tenant, 'GET', '/Users')).status, 200, 'the old one too, until revoked');
    const old = status.body.tokens[0].id as string;
    assert.equal((await g.console.api('DELETE', `/tenant/scim/tokens/${old}`)).status, 204);
    assert.equal((await scim(g.tenant, 'GET', '/Users')).status, 401, 'the revoked token fails');
    assert.equal((await g.console.api('DELETE', `/tenant/scim/tokens/${old}`)).status, 404);
    assert.equal((await g.console.api('DELETE', '/tenant/scim/tokens/other-tenants-or-unknown')).status, 404);
    const audit = await g.console.api('GET', '/tenant/audit?action=token');
    assert.deepEqual(audit.body.items.filter((e: { actor: string }) => e.actor === 'tenant').map((e: { action: string }) => e.action).sort(), ['token.revoke', 'token.rotate']);
    // Another firm's console and staff sessions get nothing here.
    assert.equal((await f.console.api('DELETE', `/tenant/scim/tokens/${rotated.body.id}`)).status, 404);
    assert.equal((await new Browser(server).api('GET', '/tenant/scim')).status, 401);
  });
});
