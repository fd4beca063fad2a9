// The authorization matrix: every API action on exchanges, their documents and the admin views, tried by
// every kind of caller, each cell asserted to the exact status. 2xx allowed, 404 what must stay
// invisible (exactly like a missing id), 403 what is visible but not allowed, 401 without a session.
// Every refused write is checked to have changed nothing (exchange, deputies, documents, audit log).
//
// Each cell runs against a fresh exchange (owner, one deputy, one document), so allowed writes (a
// hand-over, an archive) never change what the next cell sees.
//
// Adding a caller (the client columns): write one Role below and add it to ROLES. Its `session` signs it
// in once; its `join` (optional) ties it to each cell's fresh exchange (invite the client; invite then
// revoke it). The expected statuses of the client columns are already in the table.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signInClient, startSmtp, type Smtp } from '../helpers/clients.js';
import { download, snapshot, upload, uploadVersion } from '../helpers/exchanges.js';
import { Browser, firm, type Answer, type Firm, type StaffMember } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

type RoleName =
  | 'noSession' | 'tenant' | 'pendingAdmin' | 'admin' | 'owner' | 'deputy' | 'otherAdvisor'
  | 'otherTenantAdvisor' | 'otherTenantAdmin'
  | 'invitedClient' | 'otherClient' | 'revokedClient';

/** The people every cell can use; built once. */
interface World {
  server: RunningServer;
  a: Firm; b: Firm;
  owner: StaffMember; deputy: StaffMember; other: StaffMember; spare: StaffMember;
  admin: StaffMember; pending: StaffMember;
  bAdvisor: StaffMember; bAdmin: StaffMember;
  /** An exchange of the other tenant: its id must answer like a missing one. */
  bExchangeId: string;
  smtp: Smtp;
  /** Clients of tenant A, each signed in through its own invitation to a setup exchange of the owner's. */
  clients: Record<'invited' | 'other' | 'revoked', { email: string; browser: Browser }>;
}

/** A cell's fresh exchange of tenant A. */
interface Fixture { id: string; documentId: string; clientId?: string }

interface Role {
  name: RoleName;
  session(w: World): Promise<Browser>;
  join?(w: World, fx: Fixture): Promise<void>;
}

const ROLES: Role[] = [
  { name: 'noSession', session: async (w) => new Browser(w.server) },
  { name: 'tenant', session: async (w) => w.a.console },
  { name: 'pendingAdmin', session: async (w) => w.pending.browser },
  { name: 'admin', session: async (w) => w.admin.browser },
  { name: 'owner', session: async (w) => w.owner.browser },
  { name: 'deputy', session: async (w) => w.deputy.browser },
  { name: 'otherAdvisor', session: async (w) => w.other.browser },
  { name: 'otherTenantAdvisor', session: async (w) => w.bAdvisor.browser },
  { name: 'otherTenantAdmin', session: async (w) => w.bAdmin.browser },
  // Invited to each cell's exchange by its owner.
  { name: 'invitedClient', session: async (w) => w.clients.invited.browser, join: (w, fx) => invite(w, fx, w.clients.invited.email).then(() => undefined) },
  // A client of the same tenant, invited elsewhere only.
  { name: 'otherClient', session: async (w) => w.clients.other.browser },
  // Invited to each cell's exchange, then its access revoked.
  {
    name: 'revokedClient', session: async (w) => w.clients.revoked.browser,
    async join(w, fx) {
      const clientId = await invite(w, fx, w.clients.revoked.email);
      const revoked = await w.owner.browser.api('DELETE', `/exchanges/${fx.id}/clients/${clientId}`);
      assert.equal(revoked.status, 204, revoked.text);
    },
  },
];

/** The owner invites a client to the cell's exchange (access is granted with the invitation); its client id. */
async function invite(w: World, fx: Fixture, email: string): Promise<string> {
  const inv = await w.owner.browser.api('POST', `/exchanges/${fx.id}/invitations`, { email });
  assert.equal(inv.status, 201, inv.text);
  return inv.body.clientId as string;
}

interface Action {
  name: string;
  /** Changes state when allowed: a refusal must leave everything as it was. */
  write: boolean;
  prepare?(w: World, fx: Fixture): Promise<void>;
  run(b: Browser, w: World, fx: Fixture): Promise<Answer>;
  expect: Record<RoleName, number>;
  /** For lists: the roles whose answer must include the cell's exchange (or advisor); all others' must not. */
  sees?: { roles: RoleName[]; includes(body: any, w: World, fx: Fixture): boolean };
}

/** Expected statuses from a base, overridden per role. */
const cells = (base: number, over: Partial<Record<RoleName, number>>): Record<RoleName, number> => ({
  noSession: 401, tenant: 401,
  pendingAdmin: base, admin: base, owner: base, deputy: base, otherAdvisor: base,
  otherTenantAdvisor: base, otherTenantAdmin: base, invitedClient: base, otherClient: base, revokedClient: base,
  ...over,
});
/** An advisor's action in an exchange: owner and deputy; admin and invited client see it (403); the rest 404. */
const advisorAction = (ok: number) => cells(404, { owner: ok, deputy: ok, admin: 403, invitedClient: 403 });
/** An admin's action in an exchange: promoted admin; owner, deputy, invited client see it (403); the rest 404. */
const adminAction = (ok: number) => cells(404, { admin: ok, owner: 403, deputy: 403, invitedClient: 403 });
/** Content the client may reach too. */
const contentAction = (ok: number) => cells(404, { owner: ok, deputy: ok, invitedClient: ok, admin: 403 });
/** A tenant-wide admin view: promoted admins of any tenant (each sees its own); every other session 403. */
const adminView = cells(403, { admin: 200, otherTenantAdmin: 200 });

const ACTIONS: Action[] = [
  {
    name: 'create exchange', write: true,
    run: (b) => b.api('POST', '/exchanges', { title: 'Matrix' }),
    expect: cells(403, { owner: 201, deputy: 201, otherAdvisor: 201, otherTenantAdvisor: 201 }),
  },
  {
    name: 'list my exchanges', write: false,
    run: (b) => b.api('GET', '/exchanges'),
    expect: cells(200, {}),
    sees: { roles: ['owner', 'deputy', 'invitedClient'], includes: (body, _w, fx) => body.items.some((x: { id: string }) => x.id === fx.id) },
  },
  { name: 'get exchange', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}`), expect: cells(404, { owner: 200, deputy: 200, admin: 200, invitedClient: 200 }) },
  { name: 'patch exchange', write: true, run: (b, _w, fx) => b.api('PATCH', `/exchanges/${fx.id}`, { title: 'Renamed' }), expect: advisorAction(200) },
  { name: 'close', write: true, run: (b, _w, fx) => b.api('POST', `/exchanges/${fx.id}/close`), expect: advisorAction(200) },
  {
    name: 'reopen', write: true,
    prepare: async (w, fx) => assert.equal((await w.owner.browser.api('POST', `/exchanges/${fx.id}/close`)).status, 200),
    run: (b, _w, fx) => b.api('POST', `/exchanges/${fx.id}/reopen`), expect: advisorAction(200),
  },
  { name: 'archive', write: true, run: (b, _w, fx) => b.api('POST', `/exchanges/${fx.id}/archive`), expect: advisorAction(200) },
  { name: 'activity', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/activity`), expect: advisorAction(200) },
  { name: 'add deputy', write: true, run: (b, w, fx) => b.api('PUT', `/exchanges/${fx.id}/deputies/${w.spare.id}`), expect: adminAction(200) },
  { name: 'remove deputy', write: true, run: (b, w, fx) => b.api('DELETE', `/exchanges/${fx.id}/deputies/${w.deputy.id}`), expect: adminAction(204) },
  { name: 'hand over', write: true, run: (b, w, fx) => b.api('POST', `/exchanges/${fx.id}/handover`, { ownerId: w.spare.id }), expect: adminAction(200) },
  {
    name: 'admin: all exchanges', write: false,
    run: (b) => b.api('GET', '/admin/exchanges?count=200'), expect: adminView,
    sees: { roles: ['admin'], includes: (body, _w, fx) => body.items.some((x: { id: string }) => x.id === fx.id) },
  },
  {
    name: 'admin: advisors', write: false,
    run: (b) => b.api('GET', '/admin/advisors'), expect: adminView,
    sees: { roles: ['admin'], includes: (body, w) => body.items.some((x: { id: string }) => x.id === w.owner.id) },
  },
  // Clients of an exchange: its owner and deputies manage them; the people list is for everyone who sees it.
  { name: 'invite client', write: true, run: (b, _w, fx) => b.api('POST', `/exchanges/${fx.id}/invitations`, { email: `m-${crypto.randomUUID().slice(0, 6)}@client.example` }), expect: advisorAction(201) },
  { name: 'list invitations', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/invitations`), expect: advisorAction(200) },
  { name: 'list clients', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/clients`), expect: advisorAction(200) },
  {
    name: 'revoke client access', write: true,
    prepare: async (w, fx) => { fx.clientId = await invite(w, fx, `r-${crypto.randomUUID().slice(0, 6)}@client.example`); },
    run: (b, _w, fx) => b.api('DELETE', `/exchanges/${fx.id}/clients/${fx.clientId}`), expect: advisorAction(204),
  },
  { name: 'people', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/people`), expect: cells(404, { owner: 200, deputy: 200, admin: 200, invitedClient: 200 }) },
  { name: 'list documents', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/documents`), expect: contentAction(200) },
  { name: 'upload document', write: true, run: (b, _w, fx) => upload(b, fx.id, 'matrix.txt'), expect: contentAction(201) },
  { name: 'download document', write: false, run: (b, _w, fx) => download(b, fx.id, fx.documentId), expect: contentAction(200) },
  { name: 'upload new version', write: true, run: (b, _w, fx) => uploadVersion(b, fx.id, fx.documentId), expect: contentAction(201) },
  { name: 'list versions', write: false, run: (b, _w, fx) => b.api('GET', `/exchanges/${fx.id}/documents/${fx.documentId}/versions`), expect: contentAction(200) },
  { name: 'download version 1', write: false, run: (b, _w, fx) => download(b, fx.id, fx.documentId, 1), expect: contentAction(200) },
  // Advisors delete; a client uploads and downloads only (DESIGN.md).
  { name: 'delete document', write: true, run: (b, _w, fx) => b.api('DELETE', `/exchanges/${fx.id}/documents/${fx.documentId}`), expect: advisorAction(204) },
];

describe('authorization matrix', () => {
  let server: RunningServer;
  let w: World;
  const sessions = new Map<RoleName, Browser>();

  let smtp: Smtp;

  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ SMTP_URL: smtp.url });
    const [a, b] = [await firm(server), await firm(server)];
    const [owner, deputy, other, spare, admin, pending, bAdvisor, bAdmin] = [
      await a.staff('ADVISOR'), await a.staff('ADVISOR'), await a.staff('ADVISOR'), await a.staff('ADVISOR', { signIn: false }),
      await a.staff('ADMIN', { promote: true }), await a.staff('ADMIN'),
      await b.staff('ADVISOR'), await b.staff('ADMIN', { promote: true }),
    ];
    const bx = await bAdvisor!.browser.api('POST', '/exchanges', { title: 'Other firm' });
    assert.equal(bx.status, 201);
    const setup = await owner!.browser.api('POST', '/exchanges', { title: 'Where the clients were first invited' });
    assert.equal(setup.status, 201);
    const client = async (name: string) => {
      const email = `${name}-${crypto.randomUUID().slice(0, 6)}@client.example`;
      return { email, browser: await signInClient(a, owner!.browser, setup.body.id, email, smtp) };
    };
    const clients = { invited: await client('invited'), other: await client('other'), revoked: await client('revoked') };
    w = {
      server, a, b, owner: owner!, deputy: deputy!, other: other!, spare: spare!, admin: admin!, pending: pending!,
      bAdvisor: bAdvisor!, bAdmin: bAdmin!, bExchangeId: bx.body.id, smtp, clients,
    };
    for (const r of ROLES) sessions.set(r.name, await r.session(w));
  });
  after(async () => {
    await server?.stop();
    await smtp?.stop();
  });

  async function fresh(): Promise<Fixture> {
    const x = await w.owner.browser.api('POST', '/exchanges', { title: `Cell ${crypto.randomUUID().slice(0, 8)}` });
    assert.equal(x.status, 201, x.text);
    assert.equal((await w.admin.browser.api('PUT', `/exchanges/${x.body.id}/deputies/${w.deputy.id}`)).status, 200);
    const doc = await upload(w.owner.browser, x.body.id);
    assert.equal(doc.status, 201, doc.text);
    return { id: x.body.id, documentId: doc.body.id };
  }

  for (const action of ACTIONS) {
    it(action.name, async () => {
      const failures: string[] = [];
      for (const role of ROLES) {
        const fx = await fresh();
        // The caller's ties to the exchange first (an invitation needs it open), then the action's own state.
        await role.join?.(w, fx);
        await action.prepare?.(w, fx);
        const before = snapshot(server, fx.id);
        const res = await action.run(sessions.get(role.name)!, w, fx);
        const want = action.expect[role.name];
        if (res.status !== want) failures.push(`${role.name}: ${res.status} (want ${want}) ${res.text.slice(0, 160)}`);
        if (res.status >= 400) {
          assert.equal(res.body?.error?.status, res.status, `${action.name} / ${role.name}: the one error shape`);
          if (action.write && snapshot(server, fx.id) !== before) failures.push(`${role.name}: refused with ${res.status} but something changed`);
        }
        if (action.sees && res.status === 200 && action.sees.includes(res.body, w, fx) !== action.sees.roles.includes(role.name)) {
          failures.push(`${role.name}: the list ${action.sees.roles.includes(role.name) ? 'lacks' : 'shows'} the cell's item`);
        }
      }
      assert.deepEqual(failures, [], `${action.name}:\n  ${failures.join('\n  ')}`);
    });
  }

  it('every built role has an expectation in every row', () => {
    for (const a of ACTIONS) for (const r of ROLES) assert.equal(typeof a.expect[r.name], 'number', `${a.name} / ${r.name}`);
  });

  // A guessed id (random UUID, not an id at all) answers exactly like another tenant's real id: 404, the
  // same body, to the caller who would be allowed on a real one.
  it('guessed ids and another tenant\'s ids give the same 404', async () => {
    const fx = await fresh();
    const ids = [crypto.randomUUID(), 'not-an-id', '..%2F..', '1', w.bExchangeId];
    const byAction = ACTIONS.filter((a) => !['create exchange', 'list my exchanges', 'admin: all exchanges', 'admin: advisors'].includes(a.name));
    for (const action of byAction) {
      const caller = action.expect.owner < 300 ? w.owner.browser : w.admin.browser;
      const answers: string[] = [];
      for (const id of ids) {
        const res = await action.run(caller, w, { id, documentId: fx.documentId });
        assert.equal(res.status, 404, `${action.name} with ${id}: ${res.text}`);
        answers.push(res.text);
      }
      assert.equal(new Set(answers).size, 1, `${action.name}: one answer for every unknown id: ${answers.join(' | ')}`);
    }
    // A document id that is guessed, or of another exchange, is just as unknown.
    const other = await fresh();
    for (const documentId of [crypto.randomUUID(), 'x', other.documentId]) {
      assert.equal((await download(w.owner.browser, fx.id, documentId)).status, 404);
    }
  });
});
