// Clients end to end against a real SMTP peer: invitation mail → single-use link → mailed code →
// sign-in → exactly the invited exchanges, upload and download there, and nothing else; revocation,
// expiry, reuse, exhausted codes, lockout, TOTP, another tenant's client, mail failure, outbox mode.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { currentTotp } from '../../src/storage/crypto/totp.js';
import { linkToken, mailedCode, parseMail, signInClient, startSmtp, type Smtp } from '../helpers/clients.js';
import { countRows } from '../helpers/db.js';
import { Browser, firm, type Firm, type StaffMember } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { openSync } from '../helpers/test-database.js';

/** Test-only writes (moving clocks back): the server under test keeps its own connection. */
function sqlRun(dataDir: string, statement: string, ...params: unknown[]) {
  const db = openSync(dataDir);
  try { db.prepare(statement).run(...params); } finally { db.close(); }
}
function sqlAll(dataDir: string, statement: string, ...params: unknown[]): any[] {
  const db = openSync(dataDir, { readonly: true });
  try { return db.prepare(statement).all(...params); } finally { db.close(); }
}

const address = () => `client-${crypto.randomUUID().slice(0, 8)}@example.org`;

async function upload(b: Browser, exchangeId: string, name: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await b.fetch('POST', `/api/exchanges/${exchangeId}/documents`, { body: form });
  return { status: res.status, body: await res.json() as any };
}

describe('clients (SMTP peer)', () => {
  let server: RunningServer;
  let smtp: Smtp;
  let f: Firm;
  let advisor: StaffMember;

  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ SMTP_URL: smtp.url });
    f = await firm(server);
    advisor = await f.staff('ADVISOR');
  });
  after(async () => { await server?.stop(); await smtp?.stop(); });

  const newExchange = async (title = 'Tax 2026') => {
    const x = await advisor.browser.api('POST', '/exchanges', { title });
    assert.equal(x.status, 201, x.text);
    return x.body.id as string;
  };

  it('invite → mail → link → code mail → sign-in → exactly that exchange, upload and download', async () => {
    const x = await newExchange('Steuern <b>2026</b> & "Co"');
    await newExchange('Not for the client');
    const email = address();
    const inv = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email: email.toUpperCase(), displayName: 'Anna <Muster>', language: 'de' });
    assert.equal(inv.status, 201, inv.text);
    assert.equal(inv.body.status, 'pending');
    assert.equal(inv.body.email, email.toUpperCase());
    assert.ok(!('token' in inv.body) && !JSON.stringify(inv.body).includes('/invite/'), 'the answer never carries the link');
    const days = (Date.parse(inv.body.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `7 days by default, got ${days}`);

    const mail = await smtp.waitFor(email);
    assert.match(mail.from, /^SecureExchange <no-reply@127\.0\.0\.1>$/);
    assert.match(mail.subject, /lädt Sie zu einem sicheren Austausch ein/, 'German, as asked');
    assert.match(mail.text, /Guten Tag Anna <Muster>/);
    assert.match(mail.html, /Anna &lt;Muster&gt;/, 'interpolated values are escaped in HTML');
    assert.match(mail.html, /Steuern &lt;b&gt;2026&lt;\/b&gt; &amp; &quot;Co&quot;/);
    assert.doesNotMatch(mail.html, /<b>2026/);
    const token = linkToken(mail);
    assert.ok(mail.text.includes(`${server.url}/invite/${token}`));
    const stored = sqlAll(server.dataDir, 'select token_hash from invitations where id = ?', inv.body.id)[0];
    assert.equal(stored.token_hash, crypto.createHash('sha256').update(token).digest('hex'), 'only the SHA-256 is stored');

    const client = new Browser(server);
    const accepted = await client.api('POST', '/client/invitations/accept', { token });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.body.tenantId, f.tenant.tenantId);
    assert.equal(accepted.body.exchangeId, x);
    assert.equal(accepted.body.codeSent, true);
    assert.ok(!accepted.body.email.includes(email.split('@')[0]), 'the address is masked');
    const codeMail = await smtp.waitFor(email);
    assert.match(codeMail.subject, /Anmeldecode/);
    const code = mailedCode(codeMail);
    assert.ok(!codeMail.subject.includes(code), 'the subject never holds the code');

    const login = await client.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code });
    assert.equal(login.status, 200, login.text);
    const setCookie = login.headers.getSetCookie().find((c) => c.startsWith('sx_client='))!;
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /Secure/i, 'not Secure on plain http');

    const me = await client.api('GET', '/me');
    assert.equal(me.body.kind, 'client');
    assert.equal(me.body.displayName, 'Anna <Muster>');
    const list = await client.api('GET', '/exchanges');
    assert.deepEqual(list.body.items.map((e: { id: string }) => e.id), [x]);
    assert.equal(list.body.items[0].relation, 'client');

    const up = await upload(client, x, 'Lohnausweis.pdf', Buffer.from('from the client'));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.uploadedBy, `client:${login.body.clientId}`);
    const adv = await upload(advisor.browser, x, 'Offer.pdf', Buffer.from('from the advisor'));
    const down = await client.fetch('GET', `/api/exchanges/${x}/documents/${adv.body.id}/content`);
    assert.equal(down.status, 200);
    assert.equal(await down.text(), 'from the advisor');
    const seen = await advisor.browser.api('GET', `/exchanges/${x}/documents`);
    assert.deepEqual(seen.body.items.map((d: { name: string }) => d.name).sort(), ['Lohnausweis.pdf', 'Offer.pdf']);

    // The same link a second time: refused, and no second code goes out.
    const again = await new Browser(server).api('POST', '/client/invitations/accept', { token });
    assert.equal(again.status, 409, again.text);
    assert.match(again.body.error.message, /already used/);

    // Nothing secret in the audit log.
    const audit = sqlAll(server.dataDir, 'select action, detail from audit_log where tenant_id = ?', f.tenant.tenantId);
    const text = JSON.stringify(audit);
    assert.ok(!text.includes(token) && !text.includes(code), 'neither link nor code is audited');
    for (const action of ['client.invite', 'client.invitation.accept', 'client.code.sent', 'client.signin', 'document.upload']) {
      assert.ok(audit.some((a) => a.action === action), `audited: ${action}`);
    }
    assert.ok(!server.output().includes(token) && !server.output().includes(code), 'with a relay, neither is logged');
  });

  it('two parallel accepts of one link: exactly one wins', async () => {
    const x = await newExchange();
    const email = address();
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email })).status, 201);
    const token = linkToken(await smtp.waitFor(email));
    const answers = await Promise.all([1, 2, 3].map(() => new Browser(server).api('POST', '/client/invitations/accept', { token })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409]);
    await smtp.waitFor(email); // exactly one code mail
  });

  it('an expired invitation and a revoked one are refused; a malformed or unknown link is a 404', async () => {
    const x = await newExchange();
    const email = address();
    const inv = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email });
    const token = linkToken(await smtp.waitFor(email));
    sqlRun(server.dataDir, 'update invitations set expires_at = ? where id = ?', new Date(Date.now() - 1000).toISOString(), inv.body.id);
    const expired = await new Browser(server).api('POST', '/client/invitations/accept', { token });
    assert.equal(expired.status, 409);
    assert.match(expired.body.error.message, /expired/);
    assert.equal((await advisor.browser.api('GET', `/exchanges/${x}/invitations`)).body.items[0].status, 'expired');

    const inv2 = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email });
    const token2 = linkToken(await smtp.waitFor(email));
    assert.equal((await advisor.browser.api('DELETE', `/exchanges/${x}/invitations/${inv2.body.id}`)).status, 204);
    const revoked = await new Browser(server).api('POST', '/client/invitations/accept', { token: token2 });
    assert.equal(revoked.status, 409);
    assert.match(revoked.body.error.message, /withdrawn/);
    const statuses = (await advisor.browser.api('GET', `/exchanges/${x}/invitations`)).body.items.map((i: { status: string }) => i.status);
    assert.deepEqual(statuses, ['revoked', 'revoked'], 'the new invitation superseded the expired one');

    assert.equal((await new Browser(server).api('POST', '/client/invitations/accept', { token: 'x'.repeat(43) })).status, 404);
    assert.equal((await new Browser(server).api('POST', '/client/invitations/accept', { token: 42 })).status, 404);
    assert.equal((await advisor.browser.api('DELETE', `/exchanges/${x}/invitations/${crypto.randomUUID()}`)).status, 404);
  });

  it('a revoked client gets 404 for that exchange and keeps its other one', async () => {
    const x1 = await newExchange('One');
    const x2 = await newExchange('Two');
    const email = address();
    const client = await signInClient(f, advisor.browser, x1, email, smtp);
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x2}/invitations`, { email })).status, 201);
    await smtp.waitFor(email);
    const clients = await advisor.browser.api('GET', `/exchanges/${x1}/clients`);
    assert.equal(clients.body.items.length, 1);
    const clientId = clients.body.items[0].id;
    assert.equal(clients.body.items[0].status, 'active');
    assert.equal(clients.body.items[0].signedIn, true);
    assert.equal((await client.api('GET', `/exchanges/${x1}`)).status, 200);

    assert.equal((await advisor.browser.api('DELETE', `/exchanges/${x1}/clients/${clientId}`)).status, 204);
    assert.equal((await client.api('GET', `/exchanges/${x1}`)).status, 404);
    assert.equal((await client.api('GET', `/exchanges/${x1}/documents`)).status, 404);
    assert.equal((await upload(client, x1, 'late.pdf', Buffer.from('x'))).status, 404);
    assert.deepEqual((await client.api('GET', '/exchanges')).body.items.map((e: { id: string }) => e.id), [x2]);
    assert.equal((await client.api('GET', `/exchanges/${x2}`)).status, 200, 'the session lives on for the other exchange');
    assert.equal((await advisor.browser.api('GET', `/exchanges/${x1}/clients`)).body.items[0].status, 'revoked');

    // Invited again: access comes back (re-grant), through a new link.
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x1}/invitations`, { email })).status, 201);
    await smtp.waitFor(email);
    assert.equal((await client.api('GET', `/exchanges/${x1}`)).status, 200);
    assert.equal(countRows(server.dataDir, 'clients', 'email_key = ?', email), 1, 'one client per address');
  });

  it('a code takes five tries and is then burned; ten failures in a row lock the client out', async () => {
    const x = await newExchange();
    const email = address();
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email })).status, 201);
    const token = linkToken(await smtp.waitFor(email));
    const client = new Browser(server);
    assert.equal((await client.api('POST', '/client/invitations/accept', { token })).status, 200);
    const code = mailedCode(await smtp.waitFor(email));
    const wrong = code === '000000' ? '000001' : '000000';
    const login = (c: string) => client.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code: c });
    for (let i = 0; i < 5; i++) assert.equal((await login(wrong)).status, 401);
    const burned = await login(code);
    assert.equal(burned.status, 401, 'the right code after five wrong tries no longer works');
    assert.ok(!client.cookies.has('sx_client'));
    assert.equal((await login('12345')).status, 400, 'not six digits: a 400, not counted');
    for (let i = 0; i < 3; i++) assert.equal((await login(wrong)).status, 401);
    const lastFree = await login(wrong); // the tenth failure in a row
    assert.equal(lastFree.status, 401);
    const locked = await login(wrong);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const refused = sqlAll(server.dataDir, "select detail from audit_log where action = 'client.signin.refused' and target like 'client:%'");
    assert.ok(refused.length >= 10, 'refused sign-ins are audited');
  });

  it('a code on request: the same 202 for unknown addresses, one mail per 30 s for a client', async () => {
    const x = await newExchange();
    const email = address();
    await signInClient(f, advisor.browser, x, email, smtp);
    const unknown = await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email: address() });
    const known = await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email });
    const otherTenant = await new Browser(server).api('POST', '/client/login/code', { tenantId: 'no-such-tenant', email });
    assert.deepEqual([unknown.status, known.status, otherTenant.status], [202, 202, 202]);
    assert.deepEqual(unknown.body, known.body);
    // The code of the sign-in above is less than 30 s old: this request sends nothing.
    await assert.rejects(smtp.waitFor(email, 1500));
    sqlRun(server.dataDir, "update client_codes set created_at = ? where client_id = (select id from clients where email_key = ?)", new Date(Date.now() - 60_000).toISOString(), email);
    assert.equal((await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email })).status, 202);
    const code = mailedCode(await smtp.waitFor(email));
    const b = new Browser(server);
    assert.equal((await b.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code })).status, 200);
    assert.equal((await b.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code })).status, 401, 'a code works once');
    assert.equal((await b.api('POST', '/client/logout')).status, 204);
    assert.equal((await b.api('GET', `/exchanges/${x}`)).status, 401);
    assert.equal((await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email: 'not an address' })).status, 400);
  });

  it('TOTP once enrolled: the mailed code alone is not enough', async () => {
    const x = await newExchange();
    const email = address();
    const client = await signInClient(f, advisor.browser, x, email, smtp);
    const enrol = await client.api('POST', '/client/totp/enroll');
    assert.equal(enrol.status, 200, enrol.text);
    assert.match(enrol.body.otpauthUri, /^otpauth:\/\/totp\//);
    assert.equal((await client.api('POST', '/client/totp/confirm', { code: '000000' })).status, 400);
    assert.equal((await client.api('POST', '/client/totp/confirm', { code: await currentTotp(enrol.body.secret) })).status, 200);
    assert.equal((await advisor.browser.api('POST', '/client/totp/enroll')).status, 403, 'staff have no client TOTP');

    sqlRun(server.dataDir, "update client_codes set created_at = ? where client_id = (select id from clients where email_key = ?)", new Date(Date.now() - 60_000).toISOString(), email);
    await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email });
    const code = mailedCode(await smtp.waitFor(email));
    const b = new Browser(server);
    const without = await b.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code });
    assert.equal(without.status, 401);
    assert.match(without.body.error.message, /authenticator/);
    assert.equal((await b.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code, totp: '000000' })).status, 401);
    // The next time step: the confirmation used the current one, and a step works once.
    const totp = await currentTotp(enrol.body.secret, Math.floor(Date.now() / 1000) + 30);
    const withTotp = await b.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code, totp });
    assert.equal(withTotp.status, 200, withTotp.text);
    const secretAtRest = sqlAll(server.dataDir, 'select totp_secret from clients where email_key = ?', email)[0].totp_secret as string;
    assert.ok(!secretAtRest.includes(enrol.body.secret), 'the secret is stored wrapped');
  });

  it('a client may not manage clients or invite, sees no other client unless names are shared', async () => {
    const x = await newExchange();
    const a = address(), b = address();
    const clientA = await signInClient(f, advisor.browser, x, a, smtp, { displayName: 'Client A' });
    const clientB = await signInClient(f, advisor.browser, x, b, smtp, { displayName: 'Client B' });
    assert.equal((await clientA.api('POST', `/exchanges/${x}/invitations`, { email: address() })).status, 403);
    assert.equal((await clientA.api('GET', `/exchanges/${x}/invitations`)).status, 403);
    assert.equal((await clientA.api('GET', `/exchanges/${x}/clients`)).status, 403);
    assert.equal((await clientA.api('POST', '/exchanges', { title: 'mine' })).status, 403);

    const upA = await upload(clientA, x, 'from-a.pdf', Buffer.from('a'));
    const staffPeople = await advisor.browser.api('GET', `/exchanges/${x}/people`);
    assert.equal(staffPeople.body.owner.id, advisor.id);
    assert.deepEqual(staffPeople.body.clients.map((c: { displayName: string; email: string }) => [c.displayName, c.email]), [['Client A', a], ['Client B', b]]);
    const bPeople = await clientB.api('GET', `/exchanges/${x}/people`);
    assert.equal(bPeople.status, 200);
    assert.equal(bPeople.body.owner.id, advisor.id);
    assert.ok(bPeople.body.owner.displayName);
    assert.equal(bPeople.body.clients, undefined, 'no client names unless shared');
    const bDocs = await clientB.api('GET', `/exchanges/${x}/documents`);
    assert.equal(bDocs.body.items.find((d: { id: string }) => d.id === upA.body.id).uploadedBy, 'client');
    assert.ok(!bDocs.text.includes(upA.body.uploadedBy.slice('client:'.length)) && !bDocs.text.includes(a));
    assert.equal((await clientA.api('GET', `/exchanges/${x}/documents`)).body.items[0].uploadedBy, upA.body.uploadedBy, 'a client sees its own uploads as its own');
    assert.equal((await advisor.browser.api('GET', `/exchanges/${x}/documents`)).body.items[0].uploadedBy, upA.body.uploadedBy);

    sqlRun(server.dataDir, 'update exchanges set share_client_names = 1 where id = ?', x);
    const shared = await clientB.api('GET', `/exchanges/${x}/people`);
    assert.deepEqual(shared.body.clients.map((c: { displayName: string }) => c.displayName), ['Client A', 'Client B']);
    assert.ok(!shared.text.includes(a), 'names only, never addresses');
    assert.equal((await clientB.api('GET', `/exchanges/${x}/documents`)).body.items[0].uploadedBy, upA.body.uploadedBy);
  });

  it('bad input and a refused mail create nothing', async () => {
    const x = await newExchange();
    const before = { clients: countRows(server.dataDir, 'clients'), invitations: countRows(server.dataDir, 'invitations'), access: countRows(server.dataDir, 'exchange_clients') };
    for (const email of ['', 'no-at-sign', 'a@b', 'a@@b.org', 'a b@c.org', 'a@c.org\r\nBcc: x@y.org', '"q"@c.org', 'a@[127.0.0.1]', 'a..b@c.org', `${'x'.repeat(65)}@c.org`, 42, null]) {
      const r = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email });
      assert.equal(r.status, 400, `${JSON.stringify(email)}: ${r.text}`);
    }
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email: address(), language: 'ES' })).status, 400);
    assert.equal((await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email: address(), displayName: 7 })).status, 400);

    smtp.refuse = true;
    try {
      const r = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email: address() });
      assert.equal(r.status, 503, r.text);
      assert.match(r.body.error.message, /could not be sent/);
    } finally { smtp.refuse = false; }
    assert.deepEqual({ clients: countRows(server.dataDir, 'clients'), invitations: countRows(server.dataDir, 'invitations'), access: countRows(server.dataDir, 'exchange_clients') }, before);
  });

  it('another tenant: its client cannot use its session here, its advisor gets 404 everywhere', async () => {
    const x = await newExchange();
    const email = address();
    await signInClient(f, advisor.browser, x, email, smtp);
    const f2 = await firm(server);
    const advisor2 = await f2.staff('ADVISOR');
    const x2 = (await advisor2.browser.api('POST', '/exchanges', { title: 'Elsewhere' })).body.id;
    // The same address is a separate client in the other tenant.
    const client2 = await signInClient(f2, advisor2.browser, x2, email, smtp);
    for (const p of [`/exchanges/${x}`, `/exchanges/${x}/documents`, `/exchanges/${x}/people`]) {
      assert.equal((await client2.api('GET', p)).status, 404, p);
    }
    assert.equal((await upload(client2, x, 'intrusion.pdf', Buffer.from('x'))).status, 404);
    assert.deepEqual((await client2.api('GET', '/exchanges')).body.items.map((e: { id: string }) => e.id), [x2]);
    const inv = (await advisor.browser.api('GET', `/exchanges/${x}/invitations`)).body.items[0];
    const clientId = (await advisor.browser.api('GET', `/exchanges/${x}/clients`)).body.items[0].id;
    assert.equal((await advisor2.browser.api('GET', `/exchanges/${x}/invitations`)).status, 404);
    assert.equal((await advisor2.browser.api('DELETE', `/exchanges/${x}/invitations/${inv.id}`)).status, 404);
    assert.equal((await advisor2.browser.api('DELETE', `/exchanges/${x}/clients/${clientId}`)).status, 404);
    assert.equal((await advisor2.browser.api('DELETE', `/exchanges/${x2}/clients/${clientId}`)).status, 404, 'a client of another exchange');
    assert.equal((await advisor2.browser.api('POST', `/exchanges/${x}/invitations`, { email: address() })).status, 404);
    // A code of tenant 1's client does not sign anyone in on tenant 2.
    sqlRun(server.dataDir, "update client_codes set created_at = ? where tenant_id = ?", new Date(Date.now() - 60_000).toISOString(), f.tenant.tenantId);
    await new Browser(server).api('POST', '/client/login/code', { tenantId: f.tenant.tenantId, email });
    const code = mailedCode(await smtp.waitFor(email));
    assert.equal((await new Browser(server).api('POST', '/client/login', { tenantId: f2.tenant.tenantId, email, code })).status, 401);
  });
});

describe('clients (outbox, no SMTP_URL)', () => {
  let server: RunningServer;
  before(async () => { server = await startServer(); });
  after(async () => server?.stop());

  it('each mail becomes a 0600 .eml file in DATA_DIR/outbox; the invitation link is in the log', async () => {
    const f = await firm(server);
    const advisor = await f.staff('ADVISOR');
    const x = (await advisor.browser.api('POST', '/exchanges', { title: 'Outbox' })).body.id;
    const email = address();
    const inv = await advisor.browser.api('POST', `/exchanges/${x}/invitations`, { email, language: 'FR' });
    assert.equal(inv.status, 201, inv.text);
    const outbox = path.join(server.dataDir, 'outbox');
    const files = fs.readdirSync(outbox).filter((n) => n.endsWith('.eml'));
    assert.equal(files.length, 1);
    const file = path.join(outbox, files[0]!);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const mail = parseMail(fs.readFileSync(file, 'utf8'));
    assert.ok(mail.to.includes(email));
    assert.match(mail.subject, /vous invite/);
    const token = linkToken(mail);
    // The log reaches the test through a pipe, a moment after the answer.
    const logLineOf = () => server.output().split('\n').find((l) => l.includes('invitation mail written to the outbox'));
    for (let i = 0; i < 50 && !logLineOf(); i++) await new Promise((r) => setTimeout(r, 50));
    const logLine = logLineOf();
    assert.ok(logLine, `the operator is told where the mail is: ${server.output().slice(-2000)}`);
    assert.ok(logLine.includes(file) && logLine.includes(`/invite/${token}`), logLine);

    const client = new Browser(server);
    assert.equal((await client.api('POST', '/client/invitations/accept', { token })).status, 200);
    const codeFile = fs.readdirSync(outbox).filter((n) => n.endsWith('.eml') && n !== files[0]);
    assert.equal(codeFile.length, 1);
    const code = mailedCode(parseMail(fs.readFileSync(path.join(outbox, codeFile[0]!), 'utf8')));
    assert.ok(!server.output().includes(code), 'a code is never logged');
    assert.equal((await client.api('POST', '/client/login', { tenantId: f.tenant.tenantId, email, code })).status, 200);
    assert.equal((await client.api('GET', `/exchanges/${x}`)).status, 200);
  });
});
