// Documents beyond one upload: versions (the old ones kept and downloadable), deletion (hidden at once,
// blobs removed, audited), file names kept exactly as given yet never used as paths, and the
// collector removing what a failed upload or a crash leaves in the blob store.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { advisorWithExchange, blobFiles, download, execute, query, snapshot, upload, uploadVersion } from '../helpers/exchanges.js';
import { createUpload } from '../helpers/tus.js';
import type { StaffMember } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('documents: versions, deletion, names, collection', () => {
  let server: RunningServer;
  let owner: StaffMember;
  let exchangeId: string;

  before(async () => {
    server = await startServer();
    ({ owner, exchangeId } = await advisorWithExchange(server, 'Versions'));
  });
  after(async () => server?.stop());

  it('a new version keeps the old ones; each version downloads as it was uploaded', async () => {
    const v1 = Buffer.from('first draft of the contract');
    const v2 = crypto.randomBytes(200_000);
    const doc = await upload(owner.browser, exchangeId, 'contract.pdf', v1);
    assert.equal(doc.status, 201, doc.text);
    const second = await uploadVersion(owner.browser, exchangeId, doc.body.id, v2);
    assert.equal(second.status, 201, second.text);
    assert.equal(second.body.id, doc.body.id);
    assert.equal(second.body.version, 2);
    assert.equal(second.body.versionCount, 2);
    assert.equal(second.body.name, 'contract.pdf', 'a version keeps the document\'s name');
    assert.equal(second.body.sha256, crypto.createHash('sha256').update(v2).digest('hex'));

    const list = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents/${doc.body.id}/versions`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.equal(list.body.versions[1].sha256, crypto.createHash('sha256').update(v1).digest('hex'));
    assert.equal(list.body.document.version, 2);

    const current = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${doc.body.id}/content`);
    assert.ok(Buffer.from(await current.arrayBuffer()).equals(v2), 'the current version is the newest');
    const old = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${doc.body.id}/versions/1/content`);
    assert.equal(old.status, 200);
    assert.ok(Buffer.from(await old.arrayBuffer()).equals(v1), 'version 1 is still there, byte for byte');
    for (const n of ['3', '0', '-1', 'abc', '1.0', '01', '99999999999']) {
      const r = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents/${doc.body.id}/versions/${n}/content`);
      assert.equal(r.status, 404, `version ${n}: ${r.text}`);
    }
    const listed = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`);
    const row = listed.body.items.find((d: { id: string }) => d.id === doc.body.id);
    assert.equal(row.version, 2);
    assert.equal(listed.body.items.filter((d: { id: string }) => d.id === doc.body.id).length, 1, 'one document, not one per version');
    const audit = query<{ action: string }>(server, "select action from audit_log where target = ? order by seq", `document:${doc.body.id}`);
    assert.deepEqual(audit.map((a) => a.action).filter((a) => a !== 'document.download'), ['document.upload', 'document.version']);
  });

  it('a version of a missing, deleted or foreign document is 404 and stores nothing', async () => {
    const before = blobFiles(server).length;
    for (const id of [crypto.randomUUID(), 'nope']) {
      const r = await uploadVersion(owner.browser, exchangeId, id, Buffer.from('x'));
      assert.equal(r.status, 404, r.text);
    }
    assert.equal(blobFiles(server).length, before);
  });

  it('deleting hides the document and every version at once, removes their blobs and is audited', async () => {
    const doc = await upload(owner.browser, exchangeId, 'to-delete.txt', Buffer.from('gone soon'));
    assert.equal((await uploadVersion(owner.browser, exchangeId, doc.body.id, Buffer.from('gone soon, v2'))).status, 201);
    const keys = query<{ blob_key: string }>(server, 'select blob_key from document_versions where document_id = ?', doc.body.id).map((r) => r.blob_key);
    assert.equal(keys.length, 2);
    const del = await owner.browser.api('DELETE', `/exchanges/${exchangeId}/documents/${doc.body.id}`);
    assert.equal(del.status, 204, del.text);
    const files = new Set(blobFiles(server));
    for (const k of keys) assert.ok(!files.has(k), 'the blob of every version is removed');
    assert.equal((await download(owner.browser, exchangeId, doc.body.id)).status, 404);
    assert.equal((await owner.browser.api('GET', `/exchanges/${exchangeId}/documents/${doc.body.id}/versions`)).status, 404);
    const listed = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`);
    assert.ok(!listed.body.items.some((d: { id: string }) => d.id === doc.body.id));
    assert.equal((await owner.browser.api('DELETE', `/exchanges/${exchangeId}/documents/${doc.body.id}`)).status, 404, 'twice is not found');
    const audit = query<{ action: string; actor: string }>(server, "select action, actor from audit_log where target = ? and action = 'document.delete'", `document:${doc.body.id}`);
    assert.deepEqual(audit, [{ action: 'document.delete', actor: `user:${owner.id}` }]);
  });

  it('a closed exchange refuses deletions and new versions (409) and changes nothing', async () => {
    const x = await owner.browser.api('POST', '/exchanges', { title: 'Closing' });
    const doc = await upload(owner.browser, x.body.id, 'kept.txt', Buffer.from('kept'));
    assert.equal((await owner.browser.api('POST', `/exchanges/${x.body.id}/close`)).status, 200);
    const before = snapshot(server, x.body.id);
    const blobs = blobFiles(server).length;
    assert.equal((await owner.browser.api('DELETE', `/exchanges/${x.body.id}/documents/${doc.body.id}`)).status, 409);
    assert.equal((await uploadVersion(owner.browser, x.body.id, doc.body.id, Buffer.from('v2'))).status, 409);
    assert.equal(snapshot(server, x.body.id), before);
    assert.equal(blobFiles(server).length, blobs);
    assert.equal((await download(owner.browser, x.body.id, doc.body.id)).status, 200, 'a closed exchange still serves its documents');
  });

  it('file names are kept as given (any Unicode, path-like too) and never become paths; 255 UTF-8 bytes at most', async () => {
    const names = ['../../../../etc/passwd', '..\\..\\boot.ini', 'Bilanz «2025» — 決算 📄.pdf', '/abs/olute.txt', 'C:\\x.txt', '%2e%2e%2f.txt', 'ä'.repeat(127)];
    for (const name of names) {
      const r = await upload(owner.browser, exchangeId, name, Buffer.from(name));
      assert.equal(r.status, 201, `${name}: ${r.text}`);
      assert.equal(r.body.name, name);
      const got = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${r.body.id}/content`);
      assert.equal(Buffer.from(await got.arrayBuffer()).toString(), name);
      const disposition = got.headers.get('content-disposition')!;
      assert.ok(disposition.includes(`filename*=UTF-8''${encodeURIComponent(name)}`), disposition);
      // The ASCII fallback: printable, and no separator a careless client could take for a folder.
      const fallback = /^attachment; filename="([^"]*)";/.exec(disposition)?.[1];
      assert.ok(fallback !== undefined && /^[\x20-\x7e]*$/.test(fallback) && !/[/\\]/.test(fallback), disposition);
    }
    // Nothing was written anywhere but the store: every file in the data folder is where the server puts it.
    for (const f of fs.readdirSync(server.dataDir, { recursive: true }) as string[]) {
      assert.ok(!/passwd|boot\.ini|olute|Bilanz/.test(f), `no file named after an upload: ${f}`);
    }
    for (const name of ['ä'.repeat(128), 'x'.repeat(256), '', '\u0000\u0001']) {
      const r = await upload(owner.browser, exchangeId, name, Buffer.from('x'));
      assert.equal(r.status, 400, `${JSON.stringify(name).slice(0, 40)}: ${r.text}`);
      assert.ok(typeof r.body.error.message === 'string');
    }
  });

  it('the collector removes unreferenced and partial blobs older than the grace, never a live one', async () => {
    const live = await upload(owner.browser, exchangeId, 'live.txt', Buffer.from('must survive'));
    const root = path.join(server.dataDir, 'blobs');
    // What a crash leaves: a blob written but never committed, and a partial write in tmp/.
    const orphan = 'zzOrphanBlobKeyNeverCommitted000';
    fs.mkdirSync(path.join(root, 'zz'), { recursive: true });
    fs.writeFileSync(path.join(root, 'zz', orphan), 'sealed bytes of an upload that never committed');
    fs.writeFileSync(path.join(root, 'tmp', 'partial.abc'), 'half of something');
    const young = await server.cli(['collect', '--json']);
    assert.deepEqual(JSON.parse(young.stdout), { partial: 0, orphans: 0, uploads: 0 }, 'inside the grace nothing is touched');
    const done = await server.cli(['collect', '--grace-minutes', '0', '--json']);
    assert.deepEqual(JSON.parse(done.stdout), { partial: 1, orphans: 1, uploads: 0 });
    assert.ok(!fs.existsSync(path.join(root, 'zz', orphan)));
    assert.deepEqual(fs.readdirSync(path.join(root, 'tmp')), []);
    const still = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${live.body.id}/content`);
    assert.equal(await still.text(), 'must survive');
    // Every blob left is one a live document version refers to.
    const referenced = new Set(query<{ blob_key: string }>(server, 'select v.blob_key from document_versions v join documents d on d.id = v.document_id where d.deleted_at is null').map((r) => r.blob_key));
    for (const f of blobFiles(server)) assert.ok(referenced.has(f), `unreferenced blob left: ${f}`);
    const bad = await server.cli(['collect', '--grace-minutes', '-5']);
    assert.notEqual(bad.code, 0);
  });
});

// Findings of a hostile review, kept as tests: an oversized file was stored cut to the limit, a name with
// a lone surrogate was stored as invalid UTF-8, C1 controls survived, and `collect` left expired
// resumable uploads behind.
describe('documents: limits and names at the edges', () => {
  let server: RunningServer;
  let owner: StaffMember;
  let exchangeId: string;
  const LIMIT = 100_000;

  before(async () => {
    server = await startServer({ MAX_UPLOAD_BYTES: String(LIMIT) });
    ({ owner, exchangeId } = await advisorWithExchange(server, 'Limits'));
  });
  after(async () => server?.stop());

  it('one byte over MAX_UPLOAD_BYTES is 413 and stores nothing; exactly the limit is stored whole', async () => {
    const before = snapshot(server, exchangeId);
    const blobs = blobFiles(server).length;
    for (const size of [LIMIT + 1, LIMIT * 3]) {
      const r = await upload(owner.browser, exchangeId, 'big.bin', crypto.randomBytes(size));
      assert.equal(r.status, 413, `${size}: ${r.text}`);
    }
    assert.equal(snapshot(server, exchangeId), before);
    assert.equal(blobFiles(server).length, blobs);
    const exact = crypto.randomBytes(LIMIT);
    const ok = await upload(owner.browser, exchangeId, 'exact.bin', exact);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.size, LIMIT);
    assert.equal(ok.body.sha256, crypto.createHash('sha256').update(exact).digest('hex'));
    const over = await uploadVersion(owner.browser, exchangeId, ok.body.id, crypto.randomBytes(LIMIT + 1));
    assert.equal(over.status, 413, over.text);
    assert.equal(query<{ n: number }>(server, 'select count(*) as n from document_versions where document_id = ?', ok.body.id)[0]!.n, 1);
  });

  it('a name that is not valid Unicode is 400; C1 controls are removed', async () => {
    const raw = async (disposition: string) => {
      const boundary = 'sxedge';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: text/plain\r\n\r\n`),
        Buffer.from('x'), Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await owner.browser.fetch('POST', `/api/exchanges/${exchangeId}/documents`, { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      return { status: res.status, body: JSON.parse(await res.text()) };
    };
    const lone = await raw("filename*=utf-16le''a%00%00%D8b%00");
    assert.equal(lone.status, 400, JSON.stringify(lone.body));
    const c1 = await upload(owner.browser, exchangeId, 'a\u0085b\u009bc.txt', Buffer.from('x'));
    assert.equal(c1.status, 201, c1.text);
    assert.equal(c1.body.name, 'abc.txt');
  });

  it('collect also removes expired resumable uploads and their staging files', async () => {
    const created = await createUpload(owner.browser, exchangeId, 70_000);
    assert.equal(created.status, 201, created.text);
    const id = created.headers.get('location')!.split('/').pop()!;
    assert.ok(fs.existsSync(path.join(server.dataDir, 'uploads', id)));
    execute(server, "update uploads set expires_at = '2020-01-01T00:00:00.000Z' where id = ?", id);
    const done = JSON.parse((await server.cli(['collect', '--json'])).stdout);
    assert.equal(done.uploads, 1);
    assert.equal(query(server, 'select id from uploads where id = ?', id).length, 0);
    assert.ok(!fs.existsSync(path.join(server.dataDir, 'uploads', id)));
  });
});
