// An advisor's exchange over its life: rename and settings, the state machine (close, reopen, archive;
// illegal transitions 409), expiry (an expired exchange behaves as closed), filters, and the activity.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execute, query, snapshot, upload } from '../helpers/exchanges.js';
import { firm, type Firm, type StaffMember } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('exchange lifecycle', () => {
  let server: RunningServer;
  let f: Firm;
  let owner: StaffMember;
  let deputy: StaffMember;
  let admin: StaffMember;
  const create = async (title = 'Case') => {
    const x = await owner.browser.api('POST', '/exchanges', { title });
    assert.equal(x.status, 201, x.text);
    return x.body.id as string;
  };

  before(async () => {
    server = await startServer();
    f = await firm(server);
    owner = await f.staff('ADVISOR');
    deputy = await f.staff('ADVISOR');
    admin = await f.staff('ADMIN', { promote: true });
  });
  after(async () => server?.stop());

  it('PATCH renames, sets and clears the expiry, shares client names; the deputy may too', async () => {
    const id = await create();
    assert.equal((await admin.browser.api('PUT', `/exchanges/${id}/deputies/${deputy.id}`)).status, 200);
    const later = new Date(Date.now() + 86_400_000).toISOString().replace('Z', '+00:00');
    const p = await owner.browser.api('PATCH', `/exchanges/${id}`, { title: '  Estate  Müller ', expiresAt: later, shareClientNames: true });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.title, 'Estate  Müller');
    assert.equal(p.body.expiresAt, new Date(later).toISOString());
    assert.equal(p.body.shareClientNames, true);
    assert.equal(p.body.effectiveState, 'open');
    const d = await deputy.browser.api('PATCH', `/exchanges/${id}`, { expiresAt: null });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.expiresAt, null);
    assert.equal(d.body.relation, 'deputy');
    const got = await owner.browser.api('GET', `/exchanges/${id}`);
    assert.deepEqual(got.body.deputies.map((x: { id: string }) => x.id), [deputy.id]);
    assert.equal(got.body.owner.id, owner.id);
  });

  it('bad PATCH bodies are 400 and change nothing', async () => {
    const id = await create();
    const before = snapshot(server, id);
    const bad: unknown[] = [
      [], 'x', {}, { title: '' }, { title: 5 }, { title: 'x'.repeat(201) }, { owner: 'me' },
      { expiresAt: 'tomorrow' }, { expiresAt: '2030-01-01' }, { expiresAt: '2030-01-01T00:00:00' }, { expiresAt: '2001-01-01T00:00:00Z' },
      { expiresAt: '2030-02-31T00:00:00Z' }, { expiresAt: 12 }, { shareClientNames: 'true' }, { title: 'ok', expiresAt: 'bad' },
    ];
    for (const body of bad) {
      const r = await owner.browser.api('PATCH', `/exchanges/${id}`, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error.status, 400);
    }
    assert.equal(snapshot(server, id), before);
  });

  it('the state machine: open → closed → open → archived → open; illegal transitions are 409 and audited changes only', async () => {
    const id = await create();
    const step = async (change: string, want: number, state?: string) => {
      const r = await owner.browser.api('POST', `/exchanges/${id}/${change}`);
      assert.equal(r.status, want, `${change}: ${r.text}`);
      if (state) assert.equal(r.body.state, state);
      return r;
    };
    await step('reopen', 409);
    await step('close', 200, 'closed');
    await step('close', 409);
    assert.equal((await upload(owner.browser, id)).status, 409, 'closing stops uploads');
    await step('reopen', 200, 'open');
    assert.equal((await upload(owner.browser, id)).status, 201);
    await step('archive', 200, 'archived');
    await step('archive', 409);
    await step('close', 409);
    assert.equal((await owner.browser.api('PATCH', `/exchanges/${id}`, { title: 'No' })).status, 409, 'an archived exchange is kept as it was');
    assert.equal((await upload(owner.browser, id)).status, 409);
    assert.equal((await owner.browser.api('GET', `/exchanges/${id}/documents`)).status, 200, 'documents stay readable');
    await step('reopen', 200, 'open');
    await step('close', 200);
    await step('archive', 200, 'archived');
    const actions = query<{ action: string; detail: string }>(server, 'select action, detail from audit_log where exchange_id = ? and action like ? order by seq', id, 'exchange.%');
    assert.deepEqual(actions.map((a) => a.action), ['exchange.create', 'exchange.close', 'exchange.reopen', 'exchange.archive', 'exchange.reopen', 'exchange.close', 'exchange.archive']);
    assert.deepEqual(JSON.parse(actions[1]!.detail), { from: 'open', to: 'closed' });
  });

  it('an expired exchange behaves as closed: state as stored, effectiveState closed, uploads 409; reopen clears the expiry', async () => {
    const id = await create();
    await upload(owner.browser, id);
    execute(server, 'update exchanges set expires_at = ? where id = ?', new Date(Date.now() - 1000).toISOString(), id);
    const got = await owner.browser.api('GET', `/exchanges/${id}`);
    assert.equal(got.body.state, 'open');
    assert.equal(got.body.effectiveState, 'closed');
    const before = snapshot(server, id);
    const up = await upload(owner.browser, id);
    assert.equal(up.status, 409, up.text);
    assert.match(up.body.error.message, /expired/);
    assert.equal(snapshot(server, id), before, 'the refused upload left nothing');
    assert.equal((await owner.browser.api('GET', `/exchanges/${id}/documents`)).body.items.length, 1, 'reading goes on');
    // A later expiry opens it again, as does reopen (which clears the passed expiry).
    const later = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal((await owner.browser.api('PATCH', `/exchanges/${id}`, { expiresAt: later })).body.effectiveState, 'open');
    execute(server, 'update exchanges set expires_at = ? where id = ?', new Date(Date.now() - 1000).toISOString(), id);
    const re = await owner.browser.api('POST', `/exchanges/${id}/reopen`);
    assert.equal(re.status, 200, re.text);
    assert.equal(re.body.expiresAt, null);
    assert.equal(re.body.effectiveState, 'open');
    assert.equal((await upload(owner.browser, id)).status, 201);
  });

  it('an expiry a moment ahead passes by itself', async () => {
    const id = await create();
    const soon = new Date(Date.now() + 1500).toISOString();
    assert.equal((await owner.browser.api('PATCH', `/exchanges/${id}`, { expiresAt: soon })).status, 200);
    assert.equal((await upload(owner.browser, id)).status, 201);
    await new Promise((r) => setTimeout(r, 1700));
    assert.equal((await upload(owner.browser, id)).status, 409);
  });

  it('GET /exchanges filters by effective state and relation', async () => {
    const me = await f.staff('ADVISOR');
    const colleague = await f.staff('ADVISOR');
    const mk = async (b: StaffMember, title: string) => (await b.browser.api('POST', '/exchanges', { title })).body.id as string;
    const open = await mk(me, 'open');
    const closed = await mk(me, 'closed');
    await me.browser.api('POST', `/exchanges/${closed}/close`);
    const expired = await mk(me, 'expired');
    execute(server, 'update exchanges set expires_at = ? where id = ?', new Date(Date.now() - 1000).toISOString(), expired);
    const archived = await mk(me, 'archived');
    await me.browser.api('POST', `/exchanges/${archived}/archive`);
    const theirs = await mk(colleague, 'deputy of');
    await admin.browser.api('PUT', `/exchanges/${theirs}/deputies/${me.id}`);
    const ids = async (qs: string) => {
      const r = await me.browser.api('GET', `/exchanges${qs}`);
      assert.equal(r.status, 200, r.text);
      return (r.body.items as Array<{ id: string }>).map((x) => x.id).sort();
    };
    assert.deepEqual(await ids(''), [open, closed, expired, archived, theirs].sort());
    assert.deepEqual(await ids('?state=open'), [open, theirs].sort());
    assert.deepEqual(await ids('?state=closed'), [closed, expired].sort());
    assert.deepEqual(await ids('?state=archived'), [archived]);
    assert.deepEqual(await ids('?relation=deputy'), [theirs]);
    assert.deepEqual(await ids('?relation=owner&state=open'), [open]);
    for (const qs of ['?state=expired', '?relation=admin', '?state=open&state=closed']) {
      assert.equal((await me.browser.api('GET', `/exchanges${qs}`)).status, 400, qs);
    }
  });

  it('activity: the exchange\'s audit entries newest first, paged, with names; only its own', async () => {
    const id = await create('Activity');
    const other = await create('Elsewhere');
    await admin.browser.api('PUT', `/exchanges/${id}/deputies/${deputy.id}`);
    const doc = await upload(deputy.browser, id, 'x.pdf');
    await owner.browser.fetch('GET', `/api/exchanges/${id}/documents/${doc.body.id}/content`).then((r) => r.arrayBuffer());
    await owner.browser.api('PATCH', `/exchanges/${id}`, { title: 'Activity 2' });
    await owner.browser.api('POST', `/exchanges/${id}/close`);
    await upload(owner.browser, other);
    const all = await deputy.browser.api('GET', `/exchanges/${id}/activity`);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.items.map((e: { action: string }) => e.action),
      ['exchange.close', 'exchange.update', 'document.download', 'document.upload', 'exchange.deputy.add', 'exchange.create']);
    assert.equal(all.body.total, 6);
    const upEntry = all.body.items[3];
    assert.equal(upEntry.actor, `user:${deputy.id}`);
    assert.equal(upEntry.actorName, 'Given Family');
    assert.equal(upEntry.detail.exchange, id);
    const p2 = await owner.browser.api('GET', `/exchanges/${id}/activity?startIndex=2&count=2`);
    assert.deepEqual(p2.body.items.map((e: { action: string }) => e.action), ['exchange.update', 'document.download']);
    assert.equal(p2.body.total, 6);
    assert.equal(p2.body.startIndex, 2);
    assert.equal((await owner.browser.api('GET', `/exchanges/${id}/activity?count=x`)).status, 400);
    assert.equal((await admin.browser.api('GET', `/exchanges/${id}/activity`)).status, 403, 'admins organise, they do not read the activity');
  });
});
