// Backup while clients upload, restore into an empty installation: every document committed before
// the backup downloads byte-identical from the restored one, the audit chains verify, and a restore
// into a used installation or on a foreign master key is refused before it writes anything.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { advisorWithExchange, blobFiles, execute, query, upload } from '../helpers/exchanges.js';
import { Browser, type StaffMember } from '../helpers/people.js';
import { runCli, startServer, type RunningServer } from '../helpers/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const MASTER = crypto.randomBytes(32).toString('hex');
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** The restore target's own empty database on the PostgreSQL pass (none on SQLite: the data folder's file). */
let targetDb: TestDatabase;

/** The CLI on a data folder of its own (no server running there). */
async function cli(dataDir: string, master: string | undefined, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  if (targetDb.url) env.DATABASE_URL = targetDb.url;
  delete env.SECURE_EXCHANGE_MASTER_KEY;
  if (master) env.SECURE_EXCHANGE_MASTER_KEY = master;
  return runCli(env, args);
}

async function bytesOf(b: Browser, exchangeId: string, documentId: string): Promise<{ status: number; sha: string }> {
  const res = await b.fetch('GET', `/api/exchanges/${exchangeId}/documents/${documentId}/content`);
  return { status: res.status, sha: sha(new Uint8Array(await res.arrayBuffer())) };
}

describe('backup and restore', () => {
  let source: RunningServer;
  let restored: RunningServer | undefined;
  let owner: StaffMember;
  let exchangeId: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-backup-'));
  const out = path.join(tmp, 'backup');
  const target = path.join(tmp, 'restored-data');
  /** sha256 of every document the source acknowledged, by id. */
  const committed = new Map<string, string>();
  let beforeBackup: string[] = [];
  let deletedId = '';

  before(async () => {
    targetDb = await createTestDatabase();
    source = await startServer({ SECURE_EXCHANGE_MASTER_KEY: MASTER });
    ({ owner, exchangeId } = await advisorWithExchange(source, 'Backed up'));
    for (let i = 0; i < 3; i++) {
      const bytes = crypto.randomBytes(200_000 + i);
      const r = await upload(owner.browser, exchangeId, `before-${i}.bin`, bytes);
      assert.equal(r.status, 201, r.text);
      committed.set(r.body.id, sha(bytes));
    }
    deletedId = [...committed.keys()][0]!;
    assert.equal((await owner.browser.api('DELETE', `/exchanges/${exchangeId}/documents/${deletedId}`)).status, 204);
    committed.delete(deletedId);
    beforeBackup = [...committed.keys()];
  });
  after(async () => {
    await source?.stop();
    await restored?.stop();
    await targetDb?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('takes a backup while 10 clients upload', async () => {
    let stop = false;
    const uploaders = Array.from({ length: 10 }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        const bytes = crypto.randomBytes(300_000 + c * 1000 + i);
        const r = await upload(owner.browser, exchangeId, `during-${c}-${i}.bin`, bytes);
        assert.equal(r.status, 201, r.text);
        committed.set(r.body.id, sha(bytes));
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const b = await source.cli(['backup', '--out', out, '--json']);
    stop = true;
    await Promise.all(uploaders);
    assert.equal(b.code, 0, b.stderr);
    const summary = JSON.parse(b.stdout) as { blobs: number; rows: number };
    assert.ok(summary.blobs >= beforeBackup.length, `at least the documents from before the backup (${summary.blobs})`);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { tables: Array<{ name: string }> };
    assert.ok(!manifest.tables.some((t) => t.name === 'uploads'), 'unfinished resumable uploads are not part of it');
    assert.ok(!fs.readdirSync(out).some((f) => /master\.key/.test(f)), 'never the master key');
    assert.ok(!fs.readFileSync(path.join(out, 'manifest.json'), 'utf8').includes(MASTER));
    // The hold on blob removal ended with the backup.
    assert.deepEqual(query(source, 'select * from maintenance_holds'), []);
  });

  it('refuses a backup into a file, a non-empty folder or a place it cannot write, with a message', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    for (const [where, message] of [[file, /not an empty folder/], [out, /not an empty folder/], [path.join(file, 'below'), /cannot be made/]] as const) {
      const r = await source.cli(['backup', '--out', where]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /unexpected failure|at .*\.js:\d+/);
    }
    assert.deepEqual(query(source, 'select * from maintenance_holds'), [], 'no hold was left');
  });

  it('refuses a restore without the master key, or on a foreign one, before writing anything', async () => {
    const none = await cli(target, undefined, 'restore', '--from', out);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /master key/);
    assert.ok(!fs.existsSync(path.join(target, 'master.key')), 'no new key was made');
    const foreign = await cli(target, crypto.randomBytes(32).toString('hex'), 'restore', '--from', out);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /does not open/);
    const tenants = await cli(target, MASTER, 'tenant', 'list', '--json');
    assert.deepEqual(JSON.parse(tenants.stdout), [], 'nothing was restored');
  });

  it('refuses a tampered backup with a clear message and leaves the target empty', async () => {
    const tampered = (name: string, change: (dir: string) => void) => {
      const dir = path.join(tmp, `tampered-${name}`);
      fs.cpSync(out, dir, { recursive: true });
      change(dir);
      return dir;
    };
    const editManifest = (dir: string, edit: (m: any) => void) => {
      const file = path.join(dir, 'manifest.json');
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      edit(m);
      fs.writeFileSync(file, JSON.stringify(m));
    };
    const cases: Array<[string, string, RegExp]> = [
      [tampered('bookkeeping', (d) => editManifest(d, (m) => { m.tables[0].name = 'kysely_migration'; })), 'a table that is not data', /not data/],
      [tampered('traversal', (d) => editManifest(d, (m) => { m.blobs[0].key = '../../../etc/passwd'; })), 'a blob key outside the folder', /malformed blob/],
      [tampered('file', (d) => editManifest(d, (m) => { m.tables[1].file = '../../manifest.json'; })), 'a table file outside the folder', /unexpected table file/],
      [tampered('truncated', (d) => fs.truncateSync(path.join(d, 'blobs', fs.readdirSync(path.join(d, 'blobs'))[0]!), 10)), 'a truncated blob', /missing or truncated/],
      [tampered('row', (d) => {
        const file = fs.readdirSync(path.join(d, 'tables')).find((f) => f.endsWith('-document_versions.jsonl'))!;
        fs.appendFileSync(path.join(d, 'tables', file), '{"id": "broken", "not_a_column": 1}\n');
      }), 'a row the schema refuses (after the blobs were put)', /Nothing was restored/],
      [tampered('json', (d) => {
        const file = fs.readdirSync(path.join(d, 'tables')).find((f) => f.endsWith('-tenants.jsonl'))!;
        fs.appendFileSync(path.join(d, 'tables', file), '{not json\n');
      }), 'a line that is not JSON', /cannot be read/],
    ];
    for (const [dir, what, message] of cases) {
      const r = await cli(target, MASTER, 'restore', '--from', dir);
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      assert.match(r.stderr, message, what);
      assert.doesNotMatch(r.stderr, /unexpected failure|at .*\.js:\d+/, `${what}: no stack trace`);
      assert.deepEqual(JSON.parse((await cli(target, MASTER, 'tenant', 'list', '--json')).stdout), [], `${what}: nothing restored`);
      assert.deepEqual(blobFiles({ dataDir: target } as RunningServer), [], `${what}: no blob left behind`);
    }
  });

  it('restores into an empty installation: documents byte-identical, audit chains intact', async () => {
    const r = await cli(target, MASTER, 'restore', '--from', out, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).auditIntact, true);
    restored = await startServer({ SECURE_EXCHANGE_MASTER_KEY: MASTER, DATA_DIR: target, ...(targetDb.url ? { DATABASE_URL: targetDb.url } : {}) });
    // Sessions are data too: the advisor's session goes on on the restored installation.
    const b = new Browser(restored);
    for (const [k, v] of owner.browser.cookies) b.cookies.set(k, v);
    const list = await b.api('GET', `/exchanges/${exchangeId}/documents`);
    assert.equal(list.status, 200, list.text);
    const ids = (list.body.items ?? list.body).map((d: { id: string }) => d.id) as string[];
    for (const id of beforeBackup) assert.ok(ids.includes(id), `document ${id} from before the backup is there`);
    assert.ok(!ids.includes(deletedId), 'a deleted document stays deleted');
    for (const id of ids) {
      assert.ok(committed.has(id), `${id} was acknowledged by the source`);
      const got = await bytesOf(b, exchangeId, id);
      assert.equal(got.status, 200);
      assert.equal(got.sha, committed.get(id), `document ${id} byte-identical`);
    }
    // blobFiles() looks into the server's own data folder; this one runs on DATA_DIR=target.
    assert.equal(blobFiles({ ...restored, dataDir: target }).length, ids.length, 'exactly the live documents’ blobs');
    const verify = await restored.cli(['audit', 'verify', '--json']);
    assert.equal(verify.code, 0, verify.stdout);
  });

  it('keeps every blob while a backup holds blob removal, and collects them after', async () => {
    const bytes = crypto.randomBytes(1000);
    const doc = await upload(owner.browser, exchangeId, 'held.bin', bytes);
    assert.equal(doc.status, 201);
    const key = query<{ blob_key: string }>(source, 'select blob_key from document_versions where document_id = ?', doc.body.id)[0]!.blob_key;
    // What a running backup does first (another process: the row is what the server sees).
    execute(source, 'insert into maintenance_holds (name, until) values (?, ?)', 'blob-removal', new Date(Date.now() + 60_000).toISOString());
    assert.equal((await owner.browser.api('DELETE', `/exchanges/${exchangeId}/documents/${doc.body.id}`)).status, 204);
    assert.ok(blobFiles(source).includes(key), 'the deleted document’s blob stays while the hold lasts');
    const held = await source.cli(['collect', '--grace-minutes', '0', '--json']);
    assert.equal(JSON.parse(held.stdout).orphans, 0);
    assert.ok(blobFiles(source).includes(key), 'the collector waits too');
    execute(source, 'delete from maintenance_holds');
    const freed = await source.cli(['collect', '--grace-minutes', '0', '--json']);
    assert.ok(JSON.parse(freed.stdout).orphans >= 1);
    assert.ok(!blobFiles(source).includes(key), 'collected once the hold is gone');
  });

  it('refuses to restore into an installation that holds data', async () => {
    const again = await restored!.cli(['restore', '--from', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /empty installation/);
  });
});
