// The tenant console: TOTP (enrol, required, counted by the lockout, single use), password change,
// settings and overview, users paged and searched, the audit log read and exported, tenant isolation,
// and that the tenant never signs in by SAML.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { entraSigner } from '../../bench/saml-signer.js';
import { csvCell } from '../../src/domain/audit/export-audit.js';
import { codeAt, parseCsv, withDatabase, wrongCode } from '../helpers/console.js';
import { countRows } from '../helpers/db.js';
import { Browser, firm, type Firm } from '../helpers/people.js';
import { entraUser, scim } from '../helpers/scim.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const now = () => Math.floor(Date.now() / 1000);

describe('tenant console', () => {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => server?.stop());

  async function login(f: Firm, body: Record<string, unknown>) {
    const b = new Browser(server);
    return { b, r: await b.api('POST', '/tenant/login', { username: f.tenant.username, ...body }) };
  }

  async function enableTotp(f: Firm): Promise<{ secret: string; t0: number }> {
    const e = await f.console.api('POST', '/tenant/totp/enroll');
    assert.equal(e.status, 200, e.text);
    assert.match(e.body.otpauthUri, /^otpauth:\/\/totp\/.*secret=/);
    assert.ok(e.body.otpauthUri.includes(e.body.secret));
    const t0 = now();
    const bad = await f.console.api('POST', '/tenant/totp/confirm', { code: await wrongCode(e.body.secret, t0) });
    assert.equal(bad.status, 400, 'a wrong first code does not switch TOTP on');
    assert.equal((await f.console.api('GET', '/tenant')).body.totpEnabled, false);
    const ok = await f.console.api('POST', '/tenant/totp/confirm', { code: await codeAt(e.body.secret, t0) });
    assert.equal(ok.status, 200, ok.text);
    return { secret: e.body.secret, t0 };
  }

  it('TOTP: once enrolled a sign-in needs a code; a replayed or wrong code counts like a wrong password and locks', async () => {
    const f = await firm(server);
    const { secret, t0 } = await enableTotp(f);
    const stored = withDatabase(server.dataDir, (db) => db.prepare('select totp_secret, totp_pending from tenants where id = ?').get(f.tenant.tenantId)) as { totp_secret: string; totp_pending: string | null };
    assert.ok(stored.totp_secret.startsWith('v1.') && !stored.totp_secret.includes(secret), 'the secret is kept wrapped');
    assert.equal(stored.totp_pending, null);

    const missing = await login(f, { password: f.tenant.password });
    assert.equal(missing.r.status, 401);
    assert.equal(missing.r.body.error.totpRequired, true);
    assert.match(missing.r.body.error.message, /TOTP code/);
    assert.ok(!missing.b.cookies.has('sx_tenant'));
    // A wrong password answers the same as without TOTP: it says nothing about the second factor.
    const wrongPw = await login(f, { password: 'not the password' });
    assert.equal(wrongPw.r.status, 401);
    assert.equal(wrongPw.r.body.error.totpRequired, undefined);

    const replay = await login(f, { password: f.tenant.password, totp: await codeAt(secret, t0) });
    assert.equal(replay.r.status, 401, 'the code used to confirm cannot sign in');
    assert.ok(!replay.b.cookies.has('sx_tenant'));
    const next = await codeAt(secret, t0, 1);
    const good = await login(f, { password: f.tenant.password, totp: next });
    assert.equal(good.r.status, 200, good.r.text);
    assert.ok(good.b.cookies.has('sx_tenant'));
    const again = await login(f, { password: f.tenant.password, totp: next });
    assert.equal(again.r.status, 401, 'a code signs in once');

    // The success reset the counter: that replay was failure 1; four wrong codes (with the right
    // password) make five, which locks the account exactly as five wrong passwords do.
    const wrong = await wrongCode(secret, t0);
    for (let i = 0; i < 4; i++) assert.equal((await login(f, { password: f.tenant.password, totp: wrong })).r.status, 401);
    const locked = await login(f, { password: f.tenant.password, totp: await codeAt(secret, t0, 2) });
    assert.equal(locked.r.status, 429, 'locked: even a right code is refused');
    assert.ok(Number(locked.r.headers.get('retry-after')) >= 1);
    const refusals = withDatabase(server.dataDir, (db) => db.prepare("select detail from audit_log where tenant_id = ? and action = 'tenant.signin.refused'").all(f.tenant.tenantId)) as { detail: string }[];
    const reasons = refusals.map((r) => JSON.parse(r.detail).reason as string);
    assert.equal(reasons.filter((r) => r === 'totp').length, 6, 'the replays and the wrong codes are audited as TOTP refusals');
    assert.ok(reasons.includes('password'));
    assert.equal(countRows(server.dataDir, 'audit_log', "tenant_id = ? and action = 'tenant.totp.enable'", f.tenant.tenantId), 1);
    // The console session opened before stays valid.
    assert.equal((await f.console.api('GET', '/tenant')).body.totpEnabled, true);
  });

  it('TOTP: turning it off needs the password and a current code; then the password alone signs in', async () => {
    const f = await firm(server);
    const { secret, t0 } = await enableTotp(f);
    assert.equal((await f.console.api('POST', '/tenant/totp/enroll')).status, 409, 'no second enrolment while on');
    assert.equal((await f.console.api('DELETE', '/tenant/totp', { password: f.tenant.password })).status, 400);
    assert.equal((await f.console.api('DELETE', '/tenant/totp', { password: 'wrong password', code: await codeAt(secret, t0, 1) })).status, 401);
    assert.equal((await f.console.api('DELETE', '/tenant/totp', { password: f.tenant.password, code: await wrongCode(secret, t0) })).status, 401);
    assert.equal((await f.console.api('GET', '/tenant')).body.totpEnabled, true, 'refused attempts changed nothing');
    const off = await f.console.api('DELETE', '/tenant/totp', { password: f.tenant.password, code: await codeAt(secret, t0, 1) });
    assert.equal(off.status, 200, off.text);
    assert.equal((await login(f, { password: f.tenant.password })).r.status, 200);
    const actions = (await f.console.api('GET', '/tenant/audit?action=tenant.totp')).body.items.map((e: { action: string }) => e.action);
    assert.deepEqual(actions, ['tenant.totp.disable', 'tenant.totp.enable']);
    assert.equal(countRows(server.dataDir, 'audit_log', "tenant_id = ? and action = 'tenant.reauth.refused'", f.tenant.tenantId), 2);
  });

  it('password change: policy, current password checked, every other session ends, audited', async () => {
    const f = await firm(server);
    const other = await login(f, { password: f.tenant.password });
    assert.equal(other.r.status, 200);
    const next = 'correct horse battery staple';
    for (const [body, why] of [
      [{ currentPassword: f.tenant.password, newPassword: 'short' }, 'too short'],
      [{ currentPassword: f.tenant.password, newPassword: f.tenant.username.toUpperCase() }, 'the username'],
      [{ currentPassword: f.tenant.password, newPassword: 'x'.repeat(1025) }, 'too long'],
      [{ currentPassword: f.tenant.password, newPassword: 12345678901234 }, 'not a string'],
      [{ currentPassword: f.tenant.password, newPassword: f.tenant.password }, 'unchanged'],
      [{ newPassword: next }, 'no current password'],
    ] as const) {
      const r = await f.console.api('POST', '/tenant/password', body);
      assert.equal(r.status, 400, `${why}: ${r.text}`);
    }
    const wrong = await f.console.api('POST', '/tenant/password', { currentPassword: 'not it at all', newPassword: next });
    assert.equal(wrong.status, 401);
    assert.equal((await other.b.api('GET', '/tenant/settings')).status, 200, 'refusals ended nothing');

    const ok = await f.console.api('POST', '/tenant/password', { currentPassword: f.tenant.password, newPassword: next });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.otherSessionsEnded, 1);
    assert.equal((await other.b.api('GET', '/tenant/settings')).status, 401, 'the other session has ended');
    assert.equal((await f.console.api('GET', '/tenant/settings')).status, 200, 'this session stays');
    assert.equal((await login(f, { password: f.tenant.password })).r.status, 401, 'the old password no longer works');
    assert.equal((await login(f, { password: next })).r.status, 200);
    const entry = (await f.console.api('GET', '/tenant/audit?action=tenant.password.change')).body.items[0];
    assert.deepEqual(entry.detail, { otherSessionsEnded: 1 });
    assert.ok(!JSON.stringify((await f.console.api('GET', '/tenant/audit')).body).includes(next), 'no password in the audit log');
  });

  it('settings and overview: default language EN|DE|FR|IT, the values for Entra without the token', async () => {
    const f = await firm(server);
    assert.deepEqual((await f.console.api('GET', '/tenant/settings')).body, { defaultLanguage: 'EN' });
    for (const body of [{ defaultLanguage: 'XX' }, { defaultLanguage: 3 }, { language: 'DE' }, ['DE'], 'DE']) {
      const r = await f.console.api('PATCH', '/tenant/settings', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.deepEqual((await f.console.api('PATCH', '/tenant/settings', { defaultLanguage: 'de' })).body, { defaultLanguage: 'DE' });
    assert.deepEqual((await f.console.api('GET', '/tenant/settings')).body, { defaultLanguage: 'DE' });
    const audit = (await f.console.api('GET', '/tenant/audit?action=tenant.settings')).body;
    assert.equal(audit.total, 1);
    assert.deepEqual(audit.items[0].detail, { defaultLanguage: { from: 'EN', to: 'DE' } });

    const o = await f.console.api('GET', '/tenant');
    assert.equal(o.status, 200);
    assert.equal(o.body.tenantId, f.tenant.tenantId);
    assert.equal(o.body.scimUrl, f.tenant.scimUrl);
    assert.equal(o.body.samlUrl, f.tenant.samlUrl);
    assert.equal(o.body.metadataUrl, `${server.url}/saml/${f.tenant.tenantId}/metadata`);
    assert.equal(o.body.loginUrl, `${server.url}/saml/${f.tenant.tenantId}/login`);
    assert.equal(o.body.defaultLanguage, 'DE');
    assert.equal(o.body.idpConfigured, true);
    assert.ok(!o.text.includes(f.tenant.bearerToken) && !('bearerToken' in o.body));
    assert.equal((await new Browser(server).api('GET', '/tenant')).status, 401);
  });

  it('users: filtered by type and active, searched (wildcards literal), paged with a total; one user by id', async () => {
    const f = await firm(server);
    const advisors = [];
    for (let i = 0; i < 3; i++) advisors.push(await f.staff('ADVISOR', { signIn: false }));
    const admin = await f.staff('ADMIN', { signIn: false });
    const special = `x_50%-${crypto.randomUUID().slice(0, 4)}@contoso.example`;
    assert.equal((await scim(f.tenant, 'POST', '/Users', entraUser({ userName: special, givenName: 'Zoë' }))).status, 201);
    const off = await scim(f.tenant, 'PATCH', `/Users/${advisors[0]!.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    assert.ok(off.status < 300, JSON.stringify(off.body));

    const all = (await f.console.api('GET', '/tenant/users')).body;
    assert.equal(all.total, 5);
    const page1 = (await f.console.api('GET', '/tenant/users?userType=ADVISOR&count=2')).body;
    assert.equal(page1.total, 4);
    assert.equal(page1.items.length, 2);
    const page2 = (await f.console.api('GET', '/tenant/users?userType=ADVISOR&count=2&startIndex=3')).body;
    assert.equal(page2.items.length, 2);
    const names = [...page1.items, ...page2.items].map((u: { userName: string }) => u.userName);
    assert.equal(new Set(names).size, 4, 'pages do not overlap');
    assert.deepEqual(names, [...names].sort(), 'ordered by userName');
    assert.equal((await f.console.api('GET', '/tenant/users?count=0')).body.items.length, 0);
    assert.equal((await f.console.api('GET', '/tenant/users?active=false')).body.items[0].id, advisors[0]!.id);
    assert.equal((await f.console.api('GET', '/tenant/users?active=true')).body.total, 4);
    assert.equal((await f.console.api('GET', '/tenant/users?userType=ADMIN')).body.items[0].id, admin.id);

    const q = (s: string) => f.console.api('GET', `/tenant/users?q=${encodeURIComponent(s)}`);
    assert.deepEqual((await q(advisors[1]!.userName.slice(8, 16).toUpperCase())).body.items.map((u: { id: string }) => u.id), [advisors[1]!.id]);
    assert.equal((await q('50%')).body.total, 1, '% is literal');
    assert.equal((await q('%')).body.total, 1);
    assert.equal((await q('x_5')).body.total, 1, '_ is literal');
    assert.equal((await q('zoë')).body.total, 1, 'the name is searched too');
    assert.equal((await q('nobody-like-this')).body.total, 0);
    for (const bad of ['userType=admin', 'active=yes', 'count=-1', 'startIndex=abc', 'count=1&count=2', `q=${'a'.repeat(201)}`]) {
      assert.equal((await f.console.api('GET', `/tenant/users?${bad}`)).status, 400, bad);
    }

    const one = await f.console.api('GET', `/tenant/users/${admin.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.userName, admin.userName);
    assert.equal(one.body.externalId, admin.externalId);
    assert.equal(one.body.promotionPending, true);
    assert.equal((await f.console.api('GET', `/tenant/users/${crypto.randomUUID()}`)).status, 404);
  });

  it('promote and demote are audited; a demoted admin keeps its session and loses admin access at once', async () => {
    const f = await firm(server);
    const owner = await f.staff('ADVISOR');
    const admin = await f.staff('ADMIN', { promote: true });
    const x = (await owner.browser.api('POST', '/exchanges', { title: 'Seen by the admin' })).body;
    assert.equal((await admin.browser.api('GET', `/exchanges/${x.id}`)).status, 200);
    const d = await f.console.api('POST', `/tenant/users/${admin.id}/demote`);
    assert.equal(d.status, 200, d.text);
    const me = await admin.browser.api('GET', '/me');
    assert.equal(me.status, 200, 'still signed in');
    assert.equal(me.body.promotionPending, true);
    assert.equal((await admin.browser.api('GET', `/exchanges/${x.id}`)).status, 404);
    assert.equal((await owner.browser.api('GET', `/exchanges/${x.id}`)).status, 200, 'the exchange is untouched');
    assert.equal((await f.console.api('POST', `/tenant/users/${owner.id}/promote`)).status, 400, 'an advisor cannot be promoted');
    const entries = (await f.console.api('GET', `/tenant/audit?actor=tenant&target=${encodeURIComponent(`user:${admin.id}`)}`)).body.items;
    assert.deepEqual(entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`), ['tenant admin.demote', 'tenant admin.promote']);
  });

  it('audit log: newest first, filters, paging; bad filters are 400', async () => {
    const f = await firm(server);
    for (const lang of ['DE', 'FR', 'IT']) await f.console.api('PATCH', '/tenant/settings', { defaultLanguage: lang });
    const all = (await f.console.api('GET', '/tenant/audit')).body;
    const seqs = all.items.map((e: { seq: number }) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a: number, b: number) => b - a), 'newest first');
    assert.equal(all.items.at(-1).action, 'tenant.create');
    const page = (await f.console.api('GET', '/tenant/audit?action=tenant.settings&count=2&startIndex=2')).body;
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((e: { detail: { defaultLanguage: { to: string } } }) => e.detail.defaultLanguage.to), ['FR', 'DE']);
    assert.equal((await f.console.api('GET', '/tenant/audit?action=tenant.settings.')).body.total, 3, 'a trailing dot is the same prefix');
    assert.equal((await f.console.api('GET', '/tenant/audit?action=tenant.set')).body.total, 0, 'prefixes end at a dot');
    assert.ok((await f.console.api('GET', '/tenant/audit?action=tenant')).body.total >= 5);
    assert.equal((await f.console.api('GET', '/tenant/audit?actor=operator')).body.items.every((e: { actor: string }) => e.actor === 'operator'), true);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await f.console.api('GET', `/tenant/audit?from=${today}&to=${today}`)).body.total, all.total, 'a date alone covers the whole day');
    assert.equal((await f.console.api('GET', '/tenant/audit?to=2000-01-01')).body.total, 0);
    const last = all.items[0].at as string;
    assert.equal((await f.console.api('GET', `/tenant/audit?from=${encodeURIComponent(last)}`)).body.total >= 1, true);
    for (const bad of ['from=yesterday', 'to=2026-13-45', 'from=2026-05-02&to=2026-05-01', 'count=501x', 'action=a&action=b']) {
      assert.equal((await f.console.api('GET', `/tenant/audit?${bad}`)).status, 400, bad);
    }
  });

  it('audit export: JSON lines and CSV read back to the same entries, a file name, itself audited', async () => {
    const f = await firm(server);
    await f.console.api('PATCH', '/tenant/settings', { defaultLanguage: 'FR' });
    const jsonl = await f.console.fetch('GET', '/api/tenant/audit/export?format=jsonl');
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get('content-type')!, /application\/x-ndjson/);
    assert.match(jsonl.headers.get('content-disposition')!, new RegExp(`^attachment; filename="audit-${f.tenant.tenantId}-\\d{4}-\\d{2}-\\d{2}\\.jsonl"$`));
    const lines = (await jsonl.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].action, 'tenant.create');
    assert.equal(lines.at(-1).action, 'audit.export', 'the export is recorded before it is read');
    for (let i = 1; i < lines.length; i++) assert.equal(lines[i].prevHash, lines[i - 1].hash, 'chain order');

    const csv = await f.console.fetch('GET', '/api/tenant/audit/export?format=csv');
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /\.csv"$/);
    const rows = parseCsv(await csv.text());
    assert.deepEqual(rows[0], ['seq', 'at', 'actor', 'action', 'target', 'detail', 'prev_hash', 'hash']);
    assert.equal(rows.length - 1, lines.length + 1, 'one more entry: this export');
    for (let i = 0; i < lines.length; i++) {
      const [seq, at, actor, action, target, detail, prev, hash] = rows[i + 1]!;
      assert.deepEqual([Number(seq), at, actor, action, target || null, detail ? JSON.parse(detail!) : null, prev, hash],
        [lines[i].seq, lines[i].at, lines[i].actor, lines[i].action, lines[i].target, lines[i].detail, lines[i].prevHash, lines[i].hash]);
    }
    const filtered = parseCsv(await (await f.console.fetch('GET', '/api/tenant/audit/export?format=csv&action=tenant.settings')).text());
    assert.equal(filtered.length, 2);
    const exports = (await f.console.api('GET', '/tenant/audit?action=audit.export')).body.items;
    assert.equal(exports.length, 3);
    assert.deepEqual(exports[0].detail, { format: 'csv', filters: { action: 'tenant.settings' } });
    assert.equal((await f.console.api('GET', '/tenant/audit/export?format=xml')).status, 400);
    assert.equal(countRows(server.dataDir, 'audit_log', "tenant_id = ? and action = 'audit.export'", f.tenant.tenantId), 3, 'a refused export is not recorded');
  });

  it('CSV cells: formula injection defused, RFC 4180 quoting', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
    assert.equal(csvCell('+1'), `'+1`);
    assert.equal(csvCell('-2+3'), `'-2+3`);
    assert.equal(csvCell('@SUM(A1)'), `'@SUM(A1)`);
    assert.equal(csvCell('\tx'), `'\tx`);
    assert.equal(csvCell('\rx'), `"'\rx"`);
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell({ a: '=1' }), '"{""a"":""=1""}"', 'a JSON detail starts with a brace');
    assert.deepEqual(parseCsv(`${csvCell('=1')},${csvCell('a"b,c')}\r\n`), [[`'=1`, 'a"b,c']]);
  });

  it('SCIM token use is audited once a minute per token, not per request', async () => {
    const f = await firm(server);
    for (let i = 0; i < 5; i++) assert.equal((await scim(f.tenant, 'GET', '/Users?count=1')).status, 200);
    const uses = (await f.console.api('GET', '/tenant/audit?action=scim.token.use')).body;
    assert.equal(uses.total, 1);
    assert.equal(uses.items[0].actor, 'scim');
    assert.match(uses.items[0].target, /^token:/);
    assert.ok(!JSON.stringify(uses).includes(f.tenant.bearerToken));
  });

  it('another tenant\'s session never reads this tenant\'s users or audit log', async () => {
    const a = await firm(server);
    const b = await firm(server);
    const member = await a.staff('ADVISOR', { signIn: false });
    assert.equal((await b.console.api('GET', `/tenant/users/${member.id}`)).status, 404);
    assert.equal((await b.console.api('POST', `/tenant/users/${member.id}/promote`)).status, 404);
    assert.ok(!(await b.console.api('GET', '/tenant/users')).body.items.some((u: { id: string }) => u.id === member.id));
    const bAudit = (await b.console.api('GET', `/tenant/audit?target=${encodeURIComponent(`user:${member.id}`)}`)).body;
    assert.equal(bAudit.total, 0);
    const bExport = await (await b.console.fetch('GET', '/api/tenant/audit/export?format=jsonl')).text();
    assert.ok(!bExport.includes(member.id) && !bExport.includes(a.tenant.tenantId));
    const anonymous = new Browser(server);
    for (const p of ['/tenant', '/tenant/users', `/tenant/users/${member.id}`, '/tenant/audit', '/tenant/audit/export?format=csv', '/tenant/settings']) {
      assert.equal((await anonymous.api('GET', p)).status, 401, p);
    }
    // A staff session of tenant A is no tenant session either.
    const staff = await a.staff('ADMIN', { promote: true });
    assert.equal((await staff.browser.api('GET', '/tenant/audit')).status, 401);
    assert.equal((await staff.browser.api('POST', '/tenant/totp/enroll')).status, 401);
  });

  it('the tenant never signs in by SAML, even when Entra provisions a user with its username', async () => {
    const f = await firm(server);
    const signer = entraSigner();
    const post = async (b: Browser, objectId: string) => {
      const r = signer.sign({ acsUrl: f.tenant.samlUrl, audience: f.tenant.tenantId, upn: f.tenant.username, objectId });
      return b.fetch('POST', `/saml/${encodeURIComponent(f.tenant.tenantId)}/acs`, {
        body: new URLSearchParams({ SAMLResponse: r.samlResponse, RelayState: '/' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    };
    const b = new Browser(server);
    const res = await post(b, crypto.randomUUID());
    assert.equal(res.status, 403, 'the tenant is no provisioned user');
    assert.equal(b.cookies.size, 0, 'no session of any kind');
    assert.equal((await b.api('GET', '/tenant')).status, 401);
    assert.equal((await b.api('GET', '/me')).status, 401);

    // Even a provisioned user named like the tenant gets a staff session, never the console.
    const externalId = crypto.randomUUID();
    const namesake = { ...entraUser({ userName: f.tenant.username, externalId, userType: 'ADMIN' }), emails: [{ primary: true, type: 'work', value: 'namesake@contoso.example' }] };
    const created = await scim(f.tenant, 'POST', '/Users', namesake);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const c = new Browser(server);
    assert.equal((await post(c, externalId)).status, 303);
    assert.ok(c.cookies.has('sx_session') && !c.cookies.has('sx_tenant'));
    assert.equal((await c.api('GET', '/tenant')).status, 401);
    assert.equal((await c.api('GET', '/tenant/audit')).status, 401);
  });
});
