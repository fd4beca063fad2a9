// The server with BLOB_STORE=s3 against a real S3-compatible server on loopback (s3rver): documents
// uploaded one-shot and by tus go into the bucket (sealed: no plaintext there, nothing in the blob
// folder), download byte-identical, are deleted from the bucket, and an unreachable bucket is a 503,
// never a 500.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { HEADER_BYTES, TAG_BYTES } from '../../src/storage/crypto/segmented-gcm.js';
import { advisorWithExchange, download, query, upload } from '../helpers/exchanges.js';
import type { StaffMember } from '../helpers/people.js';
import { s3ServerEnv, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../helpers/s3rver.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createUpload, patchUpload } from '../helpers/tus.js';

const BUCKET = 'sx-documents';
const SEGMENT = 64 * 1024;
const MiB = 1024 * 1024;

/** Plaintext that is easy to find again: a marker line repeated through random bytes. */
function recognisable(size: number): Buffer {
  const data = crypto.randomBytes(size);
  const marker = Buffer.from('CONFIDENTIAL-PLAINTEXT-MARKER ');
  for (let at = 0; at + marker.length <= size; at += 4096) marker.copy(data, at);
  return data;
}

const sealedSize = (size: number) => HEADER_BYTES + size + TAG_BYTES * Math.max(1, Math.ceil(size / SEGMENT));

describe('documents in an S3-compatible bucket (BLOB_STORE=s3)', () => {
  let s3: LocalS3;
  let server: RunningServer;
  let bucket: S3Client;
  let owner: StaffMember;
  let exchangeId: string;

  before(async () => {
    s3 = await startLocalS3([BUCKET]);
    server = await startServer({ ...s3ServerEnv(s3, BUCKET), S3_PREFIX: 'blobs/' });
    bucket = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    ({ owner, exchangeId } = await advisorWithExchange(server, 'In the bucket'));
  });
  after(async () => {
    bucket?.destroy();
    await server?.stop();
    await s3?.stop();
  });

  const blobKeyOf = (documentId: string) =>
    query<{ blob_key: string }>(server, 'select v.blob_key from document_versions v join documents d on d.current_version_id = v.id where d.id = ?', documentId)[0]!.blob_key;

  const storedObject = async (documentId: string) => {
    const res = await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: `blobs/${blobKeyOf(documentId)}` }));
    return Buffer.from(await res.Body!.transformToByteArray());
  };

  const assertSealed = (stored: Buffer, plain: Buffer) => {
    assert.equal(stored.length, sealedSize(plain.length), 'the object is the sealed format: header, segments, a tag each');
    assert.ok(!stored.includes(Buffer.from('CONFIDENTIAL-PLAINTEXT-MARKER')), 'no plaintext marker in the bucket');
    assert.ok(!stored.includes(plain.subarray(5000, 5064)), 'no 64-byte run of the plaintext in the bucket');
  };

  const noBlobFolderFiles = () => {
    const root = path.join(server.dataDir, 'blobs');
    const files = fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }) : [];
    assert.deepEqual(files, [], 'nothing is written to the blob folder');
  };

  it('is ready when the bucket answers', async () => {
    const res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 200);
  });

  it('a one-shot upload spanning several parts goes into the bucket sealed and downloads byte-identical', async () => {
    // 8 MiB parts on the server (the part size for the default 2 GiB limit): 19 MiB is three parts.
    const data = recognisable(19 * MiB + 12345);
    const doc = await upload(owner.browser, exchangeId, 'ledger.xlsx', data);
    assert.equal(doc.status, 201, doc.text);
    const res = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${doc.body.id}/content`);
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data), 'the download is byte-identical');
    assertSealed(await storedObject(doc.body.id), data);
    noBlobFolderFiles();
  });

  it('a small one-shot upload (one PutObject) goes into the bucket sealed', async () => {
    const data = recognisable(70_000);
    const doc = await upload(owner.browser, exchangeId, 'note.txt', data);
    assert.equal(doc.status, 201, doc.text);
    const res = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${doc.body.id}/content`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
    assertSealed(await storedObject(doc.body.id), data);
  });

  const stagedObjects = async () =>
    (await bucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'blobs/uploads/' }))).Contents?.map((o) => ({ key: o.Key!, size: o.Size! })) ?? [];

  it('a resumable (tus) upload ends up in the bucket, not in the blob folder, and downloads byte-identical', async () => {
    const data = recognisable(9 * MiB + 777);
    const created = await createUpload(owner.browser, exchangeId, data.length, { filename: 'scan.pdf' });
    assert.equal(created.status, 201, created.text);
    const location = created.headers.get('location')!;
    const first = 40 * SEGMENT;
    const p1 = await patchUpload(owner.browser, location, 0, new Uint8Array(data.subarray(0, first)));
    assert.equal(p1.status, 204, p1.text);
    assert.equal(p1.headers.get('upload-offset'), String(first));
    // Staged in the bucket (any instance can continue it), sealed: one object for the PATCH's 40 segments.
    const staged = await stagedObjects();
    assert.equal(staged.length, 1, JSON.stringify(staged));
    assert.match(staged[0]!.key, new RegExp(`^blobs/uploads/${location.split('/').pop()}_0000000000_[0-9a-f]{16}$`));
    assert.equal(staged[0]!.size, 40 * (SEGMENT + TAG_BYTES));
    const stagedBytes = Buffer.from(await (await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: staged[0]!.key }))).Body!.transformToByteArray());
    assert.ok(!stagedBytes.includes(Buffer.from('CONFIDENTIAL-PLAINTEXT-MARKER')), 'no plaintext in a staged object');
    assert.equal(fs.existsSync(path.join(server.dataDir, 'uploads')), false, 'nothing is staged in the local folder');
    const p2 = await patchUpload(owner.browser, location, first, new Uint8Array(data.subarray(first)));
    assert.equal(p2.status, 204, p2.text);
    const documentId = p2.headers.get('document-id')!;
    assert.ok(documentId, 'the completing PATCH names the document');
    const res = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${documentId}/content`);
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data), 'the download is byte-identical');
    assertSealed(await storedObject(documentId), data);
    noBlobFolderFiles();
    assert.deepEqual(await stagedObjects(), [], 'the staged objects are gone once the document is committed');
    assert.equal(query(server, 'select * from upload_parts').length, 0);
  });

  it('deleting a document removes its object from the bucket', async () => {
    const doc = await upload(owner.browser, exchangeId, 'gone.txt', recognisable(1000));
    assert.equal(doc.status, 201, doc.text);
    const Key = `blobs/${blobKeyOf(doc.body.id)}`;
    await bucket.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
    assert.equal((await owner.browser.api('DELETE', `/exchanges/${exchangeId}/documents/${doc.body.id}`)).status, 204);
    await assert.rejects(bucket.send(new HeadObjectCommand({ Bucket: BUCKET, Key })), (err: Error) => err.name === 'NotFound');
  });

  it('the CLI collector works on the bucket (same configuration) and keeps every live document', async () => {
    const r = await server.cli(['collect', '--grace-minutes', '0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const docs = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`);
    for (const d of docs.body.items as { id: string }[]) assert.equal((await download(owner.browser, exchangeId, d.id)).status, 200);
  });

  it('an unreachable bucket answers 503 (never a 500, never a stack) to uploads, downloads and /readyz', async () => {
    const kept = await upload(owner.browser, exchangeId, 'kept.txt', recognisable(2000));
    assert.equal(kept.status, 201, kept.text);
    await s3.stop();
    const up = await upload(owner.browser, exchangeId, 'late.txt', recognisable(3000));
    assert.equal(up.status, 503, up.text);
    assert.doesNotMatch(up.text, /at .*\.js|ECONNREFUSED|s3/i);
    const down = await download(owner.browser, exchangeId, kept.body.id);
    assert.equal(down.status, 503, down.text);
    assert.doesNotMatch(down.text, /at .*\.js|ECONNREFUSED/);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
    const listed = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`);
    assert.ok(!listed.body.items.some((d: { name: string }) => d.name === 'late.txt'), 'the failed upload is not listed');
  });
});
