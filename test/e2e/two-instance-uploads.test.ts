// Resumable uploads behind a load balancer (issue 7): two instances, each with its own DATA_DIR, one
// PostgreSQL database and one bucket (s3rver). An upload started on one instance is continued on the
// other and downloads byte-identical; two PATCHes of one upload at once on both get one 409 (the lease
// in the database, not a lock in one process); an instance killed while it holds the lease blocks the
// upload only until the lease ends (UPLOAD_LEASE_SECONDS, short here), then the other continues it.
// Two instances run on PostgreSQL only (they need a shared database); the lease ending after a crash is
// also shown on one instance with the folder store, restarted, on both dialects.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { query } from '../helpers/exchanges.js';
import { Browser, CSRF, firm, type StaffMember } from '../helpers/people.js';
import { advisorWithExchange } from '../helpers/exchanges.js';
import { s3ServerEnv, startLocalS3, type LocalS3 } from '../helpers/s3rver.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { onPostgres } from '../helpers/test-database.js';
import { createUpload, headUpload, OCTETS, offsetOf, patchUpload, TUS } from '../helpers/tus.js';

const BUCKET = 'sx-two-instance-uploads';
const SEGMENT = 64 * 1024;
const MiB = 1024 * 1024;
const LEASE_SECONDS = 2;

/** A PATCH that sends `first`, then holds the connection open without sending more. */
function stalledPatch(via: Browser, location: string, offset: number, first: Buffer, total: number): http.ClientRequest {
  const req = http.request({
    host: '127.0.0.1', port: via.server.port, method: 'PATCH', path: location,
    headers: { cookie: via.cookieHeader(), ...CSRF, ...TUS, 'content-type': OCTETS, 'upload-offset': String(offset), 'content-length': String(total) },
  });
  req.on('error', () => {});
  req.on('response', (res) => res.resume());
  req.write(first);
  return req;
}

describe('resumable uploads across two instances (shared database and bucket)', { skip: !onPostgres && 'several instances need PostgreSQL (TEST_DATABASE=postgres)' }, () => {
  let s3: LocalS3;
  let a: RunningServer;
  let b: RunningServer;
  let advisor: StaffMember;
  /** The same person through each instance (the load balancer's choice). */
  let onA: Browser;
  let onB: Browser;
  let exchangeId: string;

  before(async () => {
    s3 = await startLocalS3([BUCKET]);
    const shared = { SECURE_EXCHANGE_MASTER_KEY: crypto.randomBytes(32).toString('hex'), UPLOAD_LEASE_SECONDS: String(LEASE_SECONDS), ...s3ServerEnv(s3, BUCKET) };
    a = await startServer(shared);
    b = await startServer({ ...shared, DATABASE_URL: a.env.DATABASE_URL, PUBLIC_URL: a.env.PUBLIC_URL });
    advisor = await (await firm(a)).staff('ADVISOR');
    onA = advisor.browser;
    onB = new Browser(b);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    const x = await onA.api('POST', '/exchanges', { title: 'Across instances' });
    assert.equal(x.status, 201, x.text);
    exchangeId = x.body.id;
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await s3?.stop();
  });

  const started = async (length: number, name: string) => {
    const c = await createUpload(onA, exchangeId, length, { filename: name });
    assert.equal(c.status, 201, c.text);
    return c.headers.get('location')!;
  };
  const downloadBytes = async (via: Browser, documentId: string) => {
    const res = await via.fetch('GET', `/api/exchanges/${exchangeId}/documents/${documentId}/content`);
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };
  const stagingFolders = () => [a, b].flatMap((s) => {
    const dir = path.join(s.dataDir, 'uploads');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  });

  it('an upload started on A is resumed on B (HEAD, then PATCH) and downloads byte-identical on A', async () => {
    const data = crypto.randomBytes(5 * MiB + 12_345);
    const location = await started(data.length, 'across.bin');
    // A takes the first 2 MiB and a bit: the bit (less than a segment) is dropped, as always.
    const p1 = await patchUpload(onA, location, 0, new Uint8Array(data.subarray(0, 2 * MiB + 1000)));
    assert.equal(p1.status, 204, p1.text);
    assert.equal(p1.headers.get('upload-offset'), String(2 * MiB));
    // B has no staging of its own: what it knows comes from the database and the bucket.
    const head = await headUpload(onB, location);
    assert.equal(head.status, 200, head.text);
    assert.equal(head.headers.get('upload-offset'), String(2 * MiB));
    const p2 = await patchUpload(onB, location, 2 * MiB, new Uint8Array(data.subarray(2 * MiB, 4 * MiB)));
    assert.equal(p2.status, 204, p2.text);
    assert.equal(await offsetOf(onA, location), 4 * MiB, 'A sees the offset B reached');
    const p3 = await patchUpload(onB, location, 4 * MiB, new Uint8Array(data.subarray(4 * MiB)));
    assert.equal(p3.status, 204, p3.text);
    const documentId = p3.headers.get('document-id');
    assert.ok(documentId, 'the completing PATCH on B names the document');
    assert.equal(p3.headers.get('document-sha256'), crypto.createHash('sha256').update(data).digest('hex'), 'the hash is right though B never saw the first bytes');
    assert.ok((await downloadBytes(onA, documentId)).equals(data), 'downloaded on A byte-identical');
    assert.deepEqual(query(a, 'select * from upload_parts'), [], 'the staged parts are gone with the upload');
    assert.deepEqual(stagingFolders(), [], 'neither instance staged anything locally');
    assert.equal((await headUpload(onB, location)).status, 404);
  });

  it('two PATCHes of one upload at the same time on A and B: exactly one 409', async () => {
    const data = crypto.randomBytes(40 * SEGMENT);
    const location = await started(data.length, 'race.bin');
    const half = 20 * SEGMENT;
    // Both send the first segments, pause, then the rest: they overlap whichever takes the lease first.
    const send = (via: Browser) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: via.server.port, method: 'PATCH', path: location,
        headers: { cookie: via.cookieHeader(), ...CSRF, ...TUS, 'content-type': OCTETS, 'upload-offset': '0', 'content-length': String(half) },
      });
      let answered = false;
      req.on('error', (err) => { if (!answered) reject(err); });
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.write(data.subarray(0, SEGMENT), () => setTimeout(() => { if (!answered) req.end(data.subarray(SEGMENT, half)); }, 400));
    });
    const answers = await Promise.all([send(onA), send(onB)]);
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [204, 409], JSON.stringify(answers));
    assert.match(answers.find((r) => r.status === 409)!.body, /still writing/, 'refused for the lease, not for a stale offset');
    assert.equal(await offsetOf(onA, location), half);
    assert.equal(await offsetOf(onB, location), half);
    const rest = await patchUpload(onB, location, half, new Uint8Array(data.subarray(half)));
    assert.equal(rest.status, 204, rest.text);
    assert.ok((await downloadBytes(onA, rest.headers.get('document-id')!)).equals(data));
  });

  it('an instance killed while holding the lease: the other continues once the lease has ended', async () => {
    const data = crypto.randomBytes(3 * MiB + 777);
    const location = await started(data.length, 'survivor.bin');
    const p1 = await patchUpload(onA, location, 0, new Uint8Array(data.subarray(0, MiB)));
    assert.equal(p1.status, 204, p1.text);
    const id = location.split('/').pop()!;
    const stalled = stalledPatch(onA, location, MiB, data.subarray(MiB, MiB + 2 * SEGMENT), data.length - MiB);
    for (let i = 0; i < 50 && !query<{ patch_lease: string | null }>(a, 'select patch_lease from uploads where id = ?', id)[0]?.patch_lease; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(query<{ patch_lease: string | null }>(a, 'select patch_lease from uploads where id = ?', id)[0]?.patch_lease, 'A holds the lease');
    await a.crash();
    stalled.destroy();
    const blocked = await patchUpload(onB, location, MiB, new Uint8Array(data.subarray(MiB)));
    assert.equal(blocked.status, 409, 'the dead instance\'s lease still holds');
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 300));
    assert.equal(await offsetOf(onB, location), MiB, 'nothing of the killed PATCH counts');
    const done = await patchUpload(onB, location, MiB, new Uint8Array(data.subarray(MiB)));
    assert.equal(done.status, 204, done.text);
    assert.ok((await downloadBytes(onB, done.headers.get('document-id')!)).equals(data), 'completed on B, byte-identical');
  });

  it('no request above was answered with a 5xx or logged as a failure of ours', () => {
    for (const s of [a, b]) assert.doesNotMatch(s.output(), /"level":50|"statusCode":5\d\d/);
  });
});

describe('an instance killed holding an upload\'s lease (folder store, restarted)', () => {
  let server: RunningServer;
  // Longer than a restart takes (a few seconds on PostgreSQL), so the lease still holds after it.
  before(async () => { server = await startServer({ UPLOAD_LEASE_SECONDS: '8' }); });
  after(async () => { await server?.stop(); });

  it('the upload is blocked until the lease ends, then continues from the durable offset', async () => {
    const { owner, exchangeId } = await advisorWithExchange(server, 'Lease');
    const data = crypto.randomBytes(2 * MiB + 99);
    const c = await createUpload(owner.browser, exchangeId, data.length, { filename: 'lease.bin' });
    assert.equal(c.status, 201, c.text);
    const location = c.headers.get('location')!;
    const id = location.split('/').pop()!;
    stalledPatch(owner.browser, location, 0, data.subarray(0, 4 * SEGMENT), data.length);
    const lease = () => query<{ patch_lease: string | null; patch_lease_until: string | null }>(server, 'select patch_lease, patch_lease_until from uploads where id = ?', id)[0];
    for (let i = 0; i < 50 && !lease()?.patch_lease; i++) await new Promise((r) => setTimeout(r, 20));
    const until = lease()?.patch_lease_until;
    assert.ok(lease()?.patch_lease && until, 'the PATCH holds the lease');
    await server.restart();
    const offset = await offsetOf(owner.browser, location);
    const blocked = await patchUpload(owner.browser, location, offset, new Uint8Array(data.subarray(offset)));
    assert.ok(Date.now() < Date.parse(until), 'the restart took less than the lease');
    assert.equal(blocked.status, 409, 'the lease of the killed process still holds');
    await new Promise((r) => setTimeout(r, Date.parse(until) - Date.now() + 200));
    const done = await patchUpload(owner.browser, location, offset, new Uint8Array(data.subarray(offset)));
    assert.equal(done.status, 204, done.text);
    const res = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${done.headers.get('document-id')}/content`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data), 'byte-identical');
  });
});
