// The group-commit driver answers a write only once the WAL flush that follows its COMMIT is done,
// lets reads through meanwhile, and shares one flush among the commits made while another runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { GroupCommitSqliteDialect } from '../../src/storage/db/index.js';
import { WalFlusher } from '../../src/storage/db/wal-flusher.js';

interface T { t: { x: string } }

/** fdatasync held until the test lets it go (or fails it), so the test sees who waits for it. */
class HeldSync {
  calls = 0;
  private held: Array<(err: NodeJS.ErrnoException | null) => void> = [];
  readonly sync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    this.calls++;
    // A real flush too, so the file is what it would be.
    fs.fdatasync(fd, (err) => (err ? cb(err) : this.held.push(cb)));
  }) as typeof fs.fdatasync;
  async waitHeld(n = 1) { while (this.held.length < n) await new Promise((r) => setTimeout(r, 2)); }
  release(err: NodeJS.ErrnoException | null = null) { const cbs = this.held; this.held = []; for (const cb of cbs) cb(err); }
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  await new Promise((r) => setTimeout(r, 30));
  return done;
};

describe('group commit with the WAL flushed off the event loop', () => {
  let dir: string;
  let db: Kysely<T>;
  let held: HeldSync;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-gc-'));
    const file = path.join(dir, 'db.sqlite');
    const writer = new SQLite(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('synchronous = NORMAL');
    writer.exec('create table t (x text unique)');
    const reader = new SQLite(file);
    reader.pragma('query_only = ON');
    held = new HeldSync();
    db = new Kysely<T>({ dialect: new GroupCommitSqliteDialect(writer, reader, new WalFlusher(`${file}-wal`, held.sync)) });
  });
  afterEach(async () => {
    held.release();
    const closing = db.destroy();
    await held.waitHeld().then(() => held.release());
    await closing;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a transaction and an autocommit write only after the flush, and reads meanwhile', async () => {
    const tx = db.transaction().execute((trx) => trx.insertInto('t').values({ x: 'a' }).execute());
    await held.waitHeld();
    assert.equal(await settled(tx), false, 'the transaction waits for the flush');
    // Committed (visible) but not yet acknowledged: a read is not held up by the flush.
    assert.deepEqual(await db.selectFrom('t').select('x').execute(), [{ x: 'a' }]);
    held.release();
    await tx;

    const alone = db.insertInto('t').values({ x: 'b' }).execute();
    await held.waitHeld();
    assert.equal(await settled(alone), false, 'an autocommit write waits for a flush too');
    held.release();
    await alone;
  });

  it('shares one flush among the commits made while another flush runs', async () => {
    const first = db.transaction().execute((trx) => trx.insertInto('t').values({ x: 'first' }).execute());
    await held.waitHeld();
    const before = held.calls;
    // Three groups commit one after the other while the first flush is held.
    const later: Promise<unknown>[] = [];
    for (const x of ['l1', 'l2', 'l3']) {
      later.push(db.transaction().execute((trx) => trx.insertInto('t').values({ x }).execute()));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(held.calls, before, 'no second flush starts while one runs');
    held.release();
    await first;
    await held.waitHeld();
    assert.equal(held.calls, before + 1, 'the waiting commits share one flush');
    held.release();
    await Promise.all(later);
  });

  it('writes a whole-number LIMIT and OFFSET into the SQL (a bound one makes SQLite re-prepare at every run)', async () => {
    const page = db.selectFrom('t').select('x').orderBy('x').limit(2).offset(1);
    const compiled = page.compile();
    assert.match(compiled.sql, /limit 2 offset 1$/);
    assert.deepEqual(compiled.parameters, []);
    const ins = db.insertInto('t').values([{ x: 'p' }, { x: 'q' }, { x: 'r' }, { x: 's' }]).execute();
    await held.waitHeld();
    held.release();
    await ins;
    assert.deepEqual(await page.execute(), [{ x: 'q' }, { x: 'r' }]);
  });

  it('fails the writers, not the process, when the flush fails', async () => {
    const tx = db.transaction().execute((trx) => trx.insertInto('t').values({ x: 'c' }).execute());
    await held.waitHeld();
    held.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await assert.rejects(tx, /EIO/);
    // The next write gets its own flush and succeeds.
    const next = db.transaction().execute((trx) => trx.insertInto('t').values({ x: 'd' }).execute());
    await held.waitHeld();
    held.release();
    await next;
  });
});
