// Admins organise exchanges: the tenant-wide list (owner, deputies, state, document count; filters and
// paging), the advisors to pick from, deputies added and removed, hand-overs. And what SCIM does to it
// all: a deactivated owner's exchanges listed for reassignment, a hand-over clearing the mark, a
// deactivated deputy losing access, re-activation restoring ownership.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { query, snapshot, upload } from '../helpers/exchanges.js';
import { firm, type Firm, type StaffMember } from '../helpers/people.js';
import { patchOp, scim } from '../helpers/scim.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('exchange administration', () => {
  let server: RunningServer;
  let f: Firm;
  let admin: StaffMember;
  before(async () => {
    server = await startServer();
    f = await firm(server);
    admin = await f.staff('ADMIN', { promote: true });
  });
  after(async () => server?.stop());

  const setActive = async (user: StaffMember, active: boolean) => {
    const r = await scim(f.tenant, 'PATCH', `/Users/${user.id}`, patchOp({ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }));
    assert.equal(r.status, 204, JSON.stringify(r.body));
  };

  it('an admin whose promotion is pending is told so on the admin views', async () => {
    const pending = await f.staff('ADMIN');
    for (const p of ['/admin/exchanges', '/admin/advisors']) {
      const r = await pending.browser.api('GET', p);
      assert.equal(r.status, 403);
      assert.match(r.body.error.message, /pending/);
    }
    const advisor = await f.staff('ADVISOR');
    const r = await advisor.browser.api('GET', '/admin/exchanges');
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body.error.message, /pending/);
  });

  it('the list: owner, deputies, states, document count, never a document name; filters and paging', async () => {
    const g = await firm(server);
    const ga = await g.staff('ADMIN', { promote: true });
    const alice = await g.staff('ADVISOR');
    const bob = await g.staff('ADVISOR');
    const mk = async (who: StaffMember, title: string) => (await who.browser.api('POST', '/exchanges', { title })).body.id as string;
    const x1 = await mk(alice, 'one');
    await upload(alice.browser, x1, 'secret-name.pdf');
    await upload(alice.browser, x1, 'other.pdf');
    const x2 = await mk(alice, 'two');
    await alice.browser.api('POST', `/exchanges/${x2}/close`);
    const x3 = await mk(bob, 'three');
    assert.equal((await ga.browser.api('PUT', `/exchanges/${x3}/deputies/${alice.id}`)).status, 200);
    const list = await ga.browser.api('GET', '/admin/exchanges');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total, 3);
    assert.deepEqual(list.body.items.map((x: { id: string }) => x.id), [x3, x2, x1], 'newest first');
    const one = list.body.items[2];
    assert.deepEqual(one.owner, { id: alice.id, displayName: 'Given Family', active: true });
    assert.equal(one.documentCount, 2);
    assert.equal(one.effectiveState, 'open');
    assert.equal(one.needsReassignment, false);
    assert.deepEqual(list.body.items[0].deputies, [{ id: alice.id, displayName: 'Given Family', active: true }]);
    assert.doesNotMatch(list.text, /secret-name/, 'admins never get document names');
    const ids = async (qs: string) => {
      const r = await ga.browser.api('GET', `/admin/exchanges${qs}`);
      assert.equal(r.status, 200, `${qs}: ${r.text}`);
      return { total: r.body.total as number, ids: (r.body.items as Array<{ id: string }>).map((x) => x.id) };
    };
    assert.deepEqual(await ids(`?owner=${alice.id}`), { total: 2, ids: [x2, x1] });
    assert.deepEqual(await ids('?state=closed'), { total: 1, ids: [x2] });
    assert.deepEqual(await ids('?state=open&owner=' + bob.id), { total: 1, ids: [x3] });
    assert.deepEqual(await ids('?needsReassignment=true'), { total: 0, ids: [] });
    assert.deepEqual(await ids('?startIndex=2&count=1'), { total: 3, ids: [x2] });
    assert.deepEqual(await ids('?count=0'), { total: 3, ids: [] });
    assert.deepEqual(await ids('?startIndex=9'), { total: 3, ids: [] });
    for (const qs of ['?state=gone', '?needsReassignment=yes', '?count=-1', '?startIndex=a', '?owner=a&owner=b']) {
      assert.equal((await ga.browser.api('GET', `/admin/exchanges${qs}`)).status, 400, qs);
    }
    // Another tenant's admin sees only its own tenant's exchanges.
    const mine = await admin.browser.api('GET', '/admin/exchanges?count=200');
    assert.ok(!mine.body.items.some((x: { id: string }) => [x1, x2, x3].includes(x.id)));
    const advisors = await ga.browser.api('GET', '/admin/advisors');
    assert.deepEqual(advisors.body.items.map((a: { id: string }) => a.id).sort(), [alice.id, bob.id].sort());
  });

  it('deputies: only an active advisor of the tenant who is not the owner; PUT idempotent, DELETE too; audited once each', async () => {
    const owner = await f.staff('ADVISOR');
    const dep = await f.staff('ADVISOR');
    const inactive = await f.staff('ADVISOR', { signIn: false });
    await setActive(inactive, false);
    const anotherAdmin = await f.staff('ADMIN', { signIn: false });
    const foreign = await (await firm(server)).staff('ADVISOR', { signIn: false });
    const id = (await owner.browser.api('POST', '/exchanges', { title: 'Deputies' })).body.id as string;
    const put = (userId: string) => admin.browser.api('PUT', `/exchanges/${id}/deputies/${userId}`);
    const before = snapshot(server, id);
    for (const [who, want] of [[owner.id, 409], [inactive.id, 409], [anotherAdmin.id, 409], [foreign.id, 404], ['nobody', 404], [crypto.randomUUID(), 404]] as const) {
      const r = await put(who);
      assert.equal(r.status, want, `${who}: ${r.text}`);
    }
    assert.equal(snapshot(server, id), before, 'refused additions change nothing');
    assert.equal((await put(dep.id)).status, 200);
    const again = await put(dep.id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.deputies.map((d: { id: string }) => d.id), [dep.id]);
    assert.equal((await dep.browser.api('GET', `/exchanges/${id}`)).body.relation, 'deputy');
    assert.equal((await admin.browser.api('DELETE', `/exchanges/${id}/deputies/${dep.id}`)).status, 204);
    assert.equal((await admin.browser.api('DELETE', `/exchanges/${id}/deputies/${dep.id}`)).status, 204);
    assert.equal((await dep.browser.api('GET', `/exchanges/${id}`)).status, 404, 'a removed deputy loses access');
    const audit = query<{ action: string; detail: string }>(server, 'select action, detail from audit_log where exchange_id = ? and action like ? order by seq', id, 'exchange.deputy.%');
    assert.deepEqual(audit.map((a) => [a.action, JSON.parse(a.detail).user]), [['exchange.deputy.add', dep.id], ['exchange.deputy.remove', dep.id]]);
  });

  it('hand-over: to an active advisor; the new owner stops being deputy; the former owner loses access; audited with from/to', async () => {
    const owner = await f.staff('ADVISOR');
    const next = await f.staff('ADVISOR');
    const id = (await owner.browser.api('POST', '/exchanges', { title: 'Hand-over' })).body.id as string;
    await upload(owner.browser, id);
    await admin.browser.api('PUT', `/exchanges/${id}/deputies/${next.id}`);
    const before = snapshot(server, id);
    for (const [body, want] of [[{}, 400], [{ ownerId: 5 }, 400], [null, 400], [{ ownerId: owner.id }, 409], [{ ownerId: admin.id }, 409], [{ ownerId: crypto.randomUUID() }, 404]] as const) {
      const r = await admin.browser.api('POST', `/exchanges/${id}/handover`, body);
      assert.equal(r.status, want, `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.equal(snapshot(server, id), before);
    const h = await admin.browser.api('POST', `/exchanges/${id}/handover`, { ownerId: next.id });
    assert.equal(h.status, 200, h.text);
    assert.equal(h.body.ownerId, next.id);
    assert.deepEqual(h.body.deputies, []);
    assert.equal((await next.browser.api('GET', `/exchanges/${id}`)).body.relation, 'owner');
    assert.equal((await next.browser.api('GET', `/exchanges/${id}/documents`)).body.items.length, 1, 'the documents come along');
    assert.equal((await owner.browser.api('GET', `/exchanges/${id}`)).status, 404);
    const [entry] = query<{ detail: string; actor: string }>(server, "select detail, actor from audit_log where exchange_id = ? and action = 'exchange.handover'", id);
    assert.deepEqual(JSON.parse(entry!.detail), { from: owner.id, to: next.id, wasMarked: false });
    assert.equal(entry!.actor, `user:${admin.id}`);
  });

  it('SCIM: a deactivated owner\'s exchanges are listed for reassignment; a hand-over clears the mark; re-activation restores the rest', async () => {
    const owner = await f.staff('ADVISOR');
    const heir = await f.staff('ADVISOR');
    const kept = (await owner.browser.api('POST', '/exchanges', { title: 'Kept' })).body.id as string;
    const moved = (await owner.browser.api('POST', '/exchanges', { title: 'Moved' })).body.id as string;
    await setActive(owner, false);
    assert.equal((await owner.browser.api('GET', '/me')).status, 401, 'the session ended at once');
    const marked = await admin.browser.api('GET', `/admin/exchanges?needsReassignment=true&owner=${owner.id}`);
    assert.deepEqual(marked.body.items.map((x: { id: string }) => x.id).sort(), [kept, moved].sort());
    assert.equal(marked.body.items[0].owner.active, false);
    assert.ok(!(await admin.browser.api('GET', '/admin/advisors')).body.items.some((a: { id: string }) => a.id === owner.id), 'not offered as a pick');
    const h = await admin.browser.api('POST', `/exchanges/${moved}/handover`, { ownerId: heir.id });
    assert.equal(h.status, 200, h.text);
    assert.equal(h.body.needsReassignment, false);
    assert.equal((await admin.browser.api('GET', `/admin/exchanges?needsReassignment=true&owner=${owner.id}`)).body.total, 1);
    await setActive(owner, true);
    const back = await f.signIn(owner);
    assert.equal((await back.api('GET', `/exchanges/${kept}`)).body.relation, 'owner');
    assert.equal((await back.api('GET', `/exchanges/${moved}`)).status, 404, 'what was handed over stays with the heir');
    assert.equal((await admin.browser.api('GET', `/admin/exchanges?needsReassignment=true&owner=${owner.id}`)).body.total, 0);
  });

  it('SCIM: a deactivated deputy loses access at once (no session, no sign-in); a deleted one is no deputy any more', async () => {
    const owner = await f.staff('ADVISOR');
    const dep = await f.staff('ADVISOR');
    const id = (await owner.browser.api('POST', '/exchanges', { title: 'Deputy leaves' })).body.id as string;
    await admin.browser.api('PUT', `/exchanges/${id}/deputies/${dep.id}`);
    const doc = await upload(dep.browser, id);
    assert.equal(doc.status, 201);
    await setActive(dep, false);
    for (const p of [`/exchanges/${id}`, `/exchanges/${id}/documents`, '/exchanges']) {
      assert.equal((await dep.browser.api('GET', p)).status, 401, p);
    }
    assert.equal((await upload(dep.browser, id)).status, 401);
    await assert.rejects(f.signIn(dep), /sign-in of/, 'a deactivated advisor cannot sign in');
    // The admin still sees the deputy, marked inactive, and may remove it; the exchange is not marked.
    const seen = await admin.browser.api('GET', `/exchanges/${id}`);
    assert.deepEqual(seen.body.deputies, [{ id: dep.id, displayName: 'Given Family', active: false }]);
    assert.equal(seen.body.needsReassignment, false);
    assert.equal((await admin.browser.api('PUT', `/exchanges/${id}/deputies/${dep.id}`)).status, 409, 'not added again while deactivated');
    await setActive(dep, true);
    const back = await f.signIn(dep);
    assert.equal((await back.api('GET', `/exchanges/${id}`)).body.relation, 'deputy', 're-activated, the deputy is back');
    assert.equal((await scim(f.tenant, 'DELETE', `/Users/${dep.id}`)).status, 204);
    assert.equal(query(server, 'select 1 from exchange_deputies where user_id = ?', dep.id).length, 0);
    assert.deepEqual((await admin.browser.api('GET', `/exchanges/${id}`)).body.deputies, []);
  });

  it('SCIM DELETE of an owner: the exchange stays, owner shown without a name, handed over to clear the mark', async () => {
    const owner = await f.staff('ADVISOR');
    const heir = await f.staff('ADVISOR');
    const id = (await owner.browser.api('POST', '/exchanges', { title: 'Orphan' })).body.id as string;
    await upload(owner.browser, id);
    assert.equal((await scim(f.tenant, 'DELETE', `/Users/${owner.id}`)).status, 204);
    const seen = await admin.browser.api('GET', `/admin/exchanges?owner=${owner.id}`);
    assert.equal(seen.body.total, 1);
    assert.deepEqual(seen.body.items[0].owner, { id: owner.id, displayName: null, active: false });
    assert.equal(seen.body.items[0].needsReassignment, true);
    assert.equal(seen.body.items[0].documentCount, 1);
    assert.equal((await admin.browser.api('POST', `/exchanges/${id}/handover`, { ownerId: heir.id })).status, 200);
    assert.equal((await heir.browser.api('GET', `/exchanges/${id}/documents`)).body.items.length, 1);
    assert.equal((await admin.browser.api('GET', '/admin/exchanges?needsReassignment=true')).body.items.some((x: { id: string }) => x.id === id), false);
  });
});
