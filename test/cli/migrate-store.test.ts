// migrate-store: an embedded installation (SQLite + blob folder) moved into an S3 bucket (and, on the
// PostgreSQL test pass, a PostgreSQL database): every document downloads byte-identical from a server
// on the new store, the audit chains verify, and the objects in the bucket are the sealed blobs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { advisorWithExchange, upload } from '../helpers/exchanges.js';
import { Browser, type StaffMember } from '../helpers/people.js';
import { s3ServerEnv, startLocalS3, type LocalS3 } from '../helpers/s3rver.js';
import { runCli, startServer, type RunningServer } from '../helpers/server.js';

const MASTER = crypto.randomBytes(32).toString('hex');
const BUCKET = 'sx-migrated';
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

describe('migrate-store from the embedded default into an S3 bucket', () => {
  let source: RunningServer;
  let target: RunningServer;
  let s3: LocalS3;
  let owner: StaffMember;
  let exchangeId: string;
  const docs = new Map<string, { sha: string; plain: Buffer }>();

  before(async () => {
    s3 = await startLocalS3([BUCKET]);
    // The source is always the embedded default: no DATABASE_URL whatever the test pass.
    source = await startServer({ SECURE_EXCHANGE_MASTER_KEY: MASTER, DATABASE_URL: '' });
    ({ owner, exchangeId } = await advisorWithExchange(source, 'Moving house'));
    for (let i = 0; i < 3; i++) {
      const plain = Buffer.concat([Buffer.from(`PLAINTEXT-MARKER-${i}-`), crypto.randomBytes(150_000 * (i + 1))]);
      const r = await upload(owner.browser, exchangeId, `doc-${i}.bin`, plain);
      assert.equal(r.status, 201, r.text);
      docs.set(r.body.id, { sha: sha(plain), plain });
    }
    // Stopped the hard way, which keeps its data folder (stop() would remove it).
    await source.crash();
    target = await startServer({
      SECURE_EXCHANGE_MASTER_KEY: MASTER, ...s3ServerEnv(s3, BUCKET),
    });
  });
  after(async () => {
    await target?.stop();
    await source?.stop();
    await s3?.stop();
  });

  it('refuses without the shared master key, or from a folder with no installation', async () => {
    const env: NodeJS.ProcessEnv = { ...target.env };
    delete env.SECURE_EXCHANGE_MASTER_KEY;
    const noKey = await runCli(env, ['migrate-store', '--from', source.dataDir]);
    assert.equal(noKey.code, 2, noKey.stderr);
    assert.match(noKey.stderr, /SECURE_EXCHANGE_MASTER_KEY/);
    const empty = await target.cli(['migrate-store', '--from', path.join(source.dataDir, 'blobs')]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no embedded installation/);
    assert.deepEqual(JSON.parse((await target.cli(['tenant', 'list', '--json'])).stdout), [], 'nothing moved');
  });

  it('moves every document: byte-identical downloads, audit intact, sealed objects in the bucket', async () => {
    const moved = await target.cli(['migrate-store', '--from', source.dataDir, '--json']);
    assert.equal(moved.code, 0, moved.stderr);
    const summary = JSON.parse(moved.stdout) as { blobs: number; auditIntact: boolean };
    assert.equal(summary.blobs, docs.size);
    assert.equal(summary.auditIntact, true);
    assert.deepEqual(fs.readdirSync(source.dataDir).filter((f) => f.startsWith('migrate-')), [], 'the scratch copy is gone');
    const b = new Browser(target);
    for (const [k, v] of owner.browser.cookies) b.cookies.set(k, v);
    for (const [id, d] of docs) {
      const res = await b.fetch('GET', `/api/exchanges/${exchangeId}/documents/${id}/content`);
      assert.equal(res.status, 200);
      assert.equal(sha(new Uint8Array(await res.arrayBuffer())), d.sha, `document ${id} byte-identical`);
    }
    // What s3rver keeps on disk for the bucket: ciphertext only.
    const files = fs.readdirSync(path.join(s3.directory, BUCKET), { recursive: true }) as string[];
    for (const f of files) {
      const p = path.join(s3.directory, BUCKET, f);
      if (fs.statSync(p).isFile()) assert.ok(!fs.readFileSync(p).includes('PLAINTEXT-MARKER'), `${f} holds no plaintext`);
    }
    const verify = await target.cli(['audit', 'verify', '--json']);
    assert.equal(verify.code, 0, verify.stdout);
    const again = await target.cli(['migrate-store', '--from', source.dataDir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /empty installation/);
  });
});
