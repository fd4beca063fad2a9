// The queries whose SQL differs between SQLite and PostgreSQL, or whose results could: run on the
// dialect of this test pass (TEST_DATABASE), with the same expectations on both. scripts/test.sh runs
// the suite once per dialect, so each twin is tested on each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { readAudit } from '../../src/domain/audit/read-audit.js';
import { recordAudit } from '../../src/domain/audit/record-audit.js';
import { verifyAudit } from '../../src/domain/audit/verify-audit.js';
import type { Ctx } from '../../src/domain/context.js';
import { listPeople } from '../../src/domain/people/list-people.js';
import { listUsers } from '../../src/domain/users/find-users.js';
import { runExclusively } from '../../src/storage/db/exclusive.js';
import { countRequest } from '../../src/storage/db/rate-limit-store.js';
import { isPostgres, openDatabase, type Db } from '../../src/storage/db/index.js';
import { onPostgres, scratchDatabase } from '../helpers/test-database.js';

const at = '2026-01-01T00:00:00.000Z';
const tenant = (id: string) => ({ id, name: id, default_language: 'EN', username: `${id}-user`, password_hash: 'x', wrapped_key: 'x', created_at: at });
let n = 0;
function user(tenantId: string, userName: string, more: Record<string, unknown> = {}) {
  n++;
  return {
    id: `u${String(n).padStart(3, '0')}`, tenant_id: tenantId, user_name: userName, user_name_key: userName.toLowerCase(),
    external_id: `ext-${n}`, active: 1, given_name: 'Given', family_name: 'Family', email: `${n}@x.example`, preferred_language: 'EN',
    version: 1, created_at: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`, updated_at: at, ...more,
  };
}

describe(`dialect twins (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let db: Db;
  let ctx: Ctx;
  before(async () => {
    scratch = await scratchDatabase();
    db = await openDatabase(scratch.target);
    ctx = { db } as Ctx;
    await db.insertInto('tenants').values([tenant('t'), tenant('p')]).execute();
    await db.insertInto('users').values([
      user('t', 'Alice@Contoso.example', { given_name: 'Émile', external_id: 'ABC-def' }),
      user('t', 'bob@contoso.example', { given_name: 'Bob', display_name: '100% sure_thing' }),
      user('t', 'carol@fabrikam.example', { given_name: 'CAROL', active: 0, external_id: 'abc-DEF' }),
    ]).execute();
  });
  after(async () => { await db?.destroy(); await scratch?.drop(); });

  const names = async (filter: string) => (await listUsers(ctx, 't', { filter, startIndex: 1, count: 100 })).users.map((u) => u.userName);

  it('runs on the dialect this pass asked for', () => {
    assert.equal(isPostgres(db), onPostgres);
  });

  it('SCIM eq/co/sw/ew ignore case on case-insensitive attributes, the same on both', async () => {
    assert.deepEqual(await names('userName eq "ALICE@contoso.EXAMPLE"'), ['Alice@Contoso.example']);
    assert.deepEqual(await names('userName co "CONTOSO"'), ['Alice@Contoso.example', 'bob@contoso.example']);
    assert.deepEqual(await names('userName sw "Bo"'), ['bob@contoso.example']);
    assert.deepEqual(await names('userName ew "FABRIKAM.example"'), ['carol@fabrikam.example']);
    assert.deepEqual(await names('name.givenName eq "carol"'), ['carol@fabrikam.example']);
    // Beyond ASCII too: SQLite's own lower() would leave "É" alone, PostgreSQL's would not.
    assert.deepEqual(await names('name.givenName eq "émile"'), ['Alice@Contoso.example']);
    assert.deepEqual(await names('name.givenName sw "ÉM"'), ['Alice@Contoso.example']);
  });

  it('co/sw/ew on caseExact attributes respect case (SQLite\'s LIKE would not)', async () => {
    assert.deepEqual(await names('externalId sw "ABC"'), ['Alice@Contoso.example']);
    assert.deepEqual(await names('externalId ew "DEF"'), ['carol@fabrikam.example']);
    assert.deepEqual(await names('externalId co "C-d"'), ['Alice@Contoso.example']);
    assert.deepEqual(await names('externalId eq "abc-def"'), []);
  });

  it('LIKE wildcards in a filter value match only themselves; a longer needle never matches', async () => {
    assert.deepEqual(await names('displayName co "100%"'), ['bob@contoso.example']);
    assert.deepEqual(await names('displayName co "%"'), ['bob@contoso.example']);
    assert.deepEqual(await names('displayName co "_"'), ['bob@contoso.example']);
    assert.deepEqual(await names('userName co "_"'), []);
    assert.deepEqual(await names('userName sw "%"'), []);
    assert.deepEqual(await names('userName ew "x@contoso.example.longer.than.any"'), []);
    assert.deepEqual(await names('displayName co ""'), ['bob@contoso.example'], 'every present value contains ""');
  });

  it('booleans are 0/1 on both; counts and bigint sizes arrive as numbers', async () => {
    assert.deepEqual(await names('active eq false'), ['carol@fabrikam.example']);
    const page = await listUsers(ctx, 't', { filter: 'active eq true', startIndex: 2, count: 1 });
    assert.equal(page.total, 2);
    assert.equal(typeof page.total, 'number');
    const people = await listPeople(ctx, 't', { q: 'CONTOSO', count: 10 });
    assert.equal(people.total, 2);
    const big = 5 * 1024 ** 3;
    await db.insertInto('exchanges').values({ id: 'x', tenant_id: 't', owner_id: 'u001', title: 'x', state: 'open', created_at: at, updated_at: at }).execute();
    await db.insertInto('uploads').values({
      id: 'up', tenant_id: 't', exchange_id: 'x', created_by: 'x', target: 'new', content_type: 'x', length: big, segment_size: 65536,
      version_id: 'v', blob_key: 'b', wrapped_key: 'w', created_at: at, updated_at: at, expires_at: at,
    }).execute();
    const row = await db.selectFrom('uploads').select(['length', 'segment_size']).where('id', '=', 'up').executeTakeFirstOrThrow();
    assert.deepEqual(row, { length: big, segment_size: 65536 });
    const { c } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
    assert.equal(c, 3);
  });

  it('paging by (created_at, id) neither skips nor repeats', async () => {
    const all = [];
    for (let i = 1; i <= 3; i++) all.push(...(await listUsers(ctx, 't', { startIndex: i, count: 1 })).users.map((u) => u.id));
    assert.deepEqual(all, ['u001', 'u002', 'u003']);
  });

  it('the audit action filter takes an action and those below it, case-sensitively', async () => {
    for (const action of ['exchange', 'exchange.close', 'exchange.deputy.add', 'exchangeX', 'Exchange.close']) {
      await recordAudit(db, { tenantId: 'p', actor: 'operator', action });
    }
    const actions = async (action: string) => (await readAudit(ctx, 'p', { action }, { startIndex: 1, count: 50 })).items.map((e) => e.action).sort();
    assert.deepEqual(await actions('exchange'), ['exchange', 'exchange.close', 'exchange.deputy.add']);
    assert.deepEqual(await actions('exchange.deputy'), ['exchange.deputy.add']);
    assert.deepEqual(await actions('Exchange'), ['Exchange.close']);
  });

  it('60 concurrent appends to one tenant\'s audit chain keep one unbroken chain', async () => {
    await db.insertInto('tenants').values(tenant('c')).execute();
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => recordAudit(db, { tenantId: 'c', actor: 'operator', action: 'test.append', detail: { i } })));
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    const v = await verifyAudit(db, 'c');
    assert.equal(v.brokenAt, null, v.reason ?? '');
    assert.equal(v.entries, 60);
  });

  it('two processes opening one new database at once both migrate it safely', { skip: !onPostgres && 'SQLite: one file, serialized by its write lock' }, async () => {
    const fresh = await scratchDatabase();
    try {
      const dbs = await Promise.all([openDatabase(fresh.target), openDatabase(fresh.target), openDatabase(fresh.target)]);
      for (const d of dbs) assert.deepEqual(await d.selectFrom('tenants').selectAll().execute(), []);
      const applied = (await dbs[0]!.selectFrom('kysely_migration' as never).select('name' as never).execute()) as Array<{ name: string }>;
      assert.equal(new Set(applied.map((m) => m.name)).size, applied.length, 'each migration recorded once');
      assert.ok(applied.some((m) => m.name === '0009_rate_limits'), 'all of them');
      await Promise.all(dbs.map((d) => d.destroy()));
    } finally {
      await fresh.drop();
    }
  });

  it('scheduled work runs on one instance at a time, and again once the holder is gone', { skip: !onPostgres && 'SQLite: one process runs its own jobs' }, async () => {
    const other = await openDatabase(scratch.target); // a second instance
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      let started!: () => void;
      const running = new Promise<void>((r) => { started = r; });
      const first = runExclusively(db, 'twin-job', () => { started(); return held; });
      await running; // the lock is held from here on
      assert.equal(await runExclusively(other, 'twin-job', async () => undefined), false, 'skipped while the other runs it');
      assert.equal(await runExclusively(other, 'another-job', async () => undefined), true, 'other names are not blocked');
      release();
      assert.equal(await first, true);
      assert.equal(await runExclusively(other, 'twin-job', async () => undefined), true, 'runs once the holder is done');
      // An instance that dies mid-run (its connection gone) leaves no lock behind.
      const doomed = await openDatabase(scratch.target);
      let stuckStarted!: () => void;
      const stuckRunning = new Promise<void>((r) => { stuckStarted = r; });
      const stuck = runExclusively(doomed, 'twin-job', () => { stuckStarted(); return new Promise(() => undefined); });
      await stuckRunning;
      assert.equal(await runExclusively(other, 'twin-job', async () => undefined), false);
      await sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`.execute(other);
      void stuck.catch(() => undefined);
      // pg_terminate_backend only signals: the backend lets go of its locks as it exits, a moment later.
      let ranAfter = false;
      for (let i = 0; i < 50 && !ranAfter; i++) {
        ranAfter = await runExclusively(other, 'twin-job', async () => undefined);
        if (!ranAfter) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(ranAfter, true, 'the dead holder\'s lock is gone');
      void doomed.destroy().catch(() => undefined);
    } finally {
      await other.destroy();
    }
  });

  it('rate-limit counters count per key and window, exactly under concurrency, and restart in a new window', async () => {
    const other = await openDatabase(scratch.target); // a second instance
    try {
      const w = 60_000;
      const t0 = 1_800_000_000_000;
      const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => countRequest(i % 2 ? db : other, 'scim:t', w, t0 + 10)));
      assert.deepEqual(counts.map((c) => c.current).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
      assert.equal(counts[0]!.ttl, w - 10);
      assert.equal((await countRequest(db, 'scim:other', w, t0 + 10)).current, 1, 'keys are apart');
      assert.equal((await countRequest(db, 'scim:t', w, t0 + w)).current, 1, 'a new window starts at 1');
    } finally {
      await other.destroy();
    }
  });
});
