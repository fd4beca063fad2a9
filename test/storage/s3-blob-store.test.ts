// The S3 store against the shared blob store suite, on a real S3-compatible server on loopback (s3rver;
// see test/helpers/s3rver.ts for what it does not implement). Parts are S3's minimum (5 MiB), so the
// "spans parts" cases really go through CreateMultipartUpload / UploadPart / CompleteMultipartUpload.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MIN_PART_SIZE, S3BlobStore } from '../../src/storage/blobs/s3-store.js';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../helpers/s3rver.js';
import { blobStoreConformance } from './blob-store-conformance.js';

for (const prefix of ['', 'installations/one/']) {
  blobStoreConformance(`S3BlobStore (s3rver${prefix ? `, prefix ${prefix}` : ''})`, async () => {
    const s3 = await startLocalS3(['sx-conformance']);
    const store = new S3BlobStore({
      bucket: 'sx-conformance', region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, prefix,
      partSize: MIN_PART_SIZE, queueSize: 2, credentials: S3RVER_CREDENTIALS,
    });
    return {
      store, partSize: MIN_PART_SIZE,
      close: async () => { store.close(); await s3.stop(); },
    };
  });
}

// What only the S3 store has: a blob of several parts really goes through a multipart upload, and the
// gaps of s3rver the README names are what they are (so the day they are filled, these tests say so).
describe('S3BlobStore on s3rver', () => {
  let s3: LocalS3;
  let store: S3BlobStore;
  const uploadsFolder = () => path.join(s3.directory, 'sx-s3-only', '._S3rver_uploads');
  const unfinished = () => (fs.existsSync(uploadsFolder()) ? fs.readdirSync(uploadsFolder()) : []);

  before(async () => {
    s3 = await startLocalS3(['sx-s3-only']);
    store = new S3BlobStore({
      bucket: 'sx-s3-only', region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true,
      partSize: MIN_PART_SIZE, queueSize: 2, credentials: S3RVER_CREDENTIALS,
    });
  });
  after(async () => { store?.close(); await s3?.stop(); });

  it('a blob of several parts is a multipart upload, finished only at the end', async () => {
    let sent = 0;
    let seenWhileSending = 0;
    const total = 3 * MIN_PART_SIZE + 10;
    const source = new Readable({
      read() {
        if (sent >= total) { this.push(null); return; }
        // Once two parts went out, s3rver holds an unfinished upload and the blob is not listed yet.
        if (sent === 2 * MIN_PART_SIZE + 64 * 1024) seenWhileSending = unfinished().length;
        const n = Math.min(64 * 1024, total - sent);
        sent += n;
        this.push(Buffer.alloc(n, 7));
      },
    });
    await store.put('multipartmultipart', source);
    assert.ok(seenWhileSending >= 1, 'a multipart upload was in progress while the blob was sent');
    assert.deepEqual(unfinished(), [], 'CompleteMultipartUpload consumed the upload');
  });

  it('s3rver lacks AbortMultipartUpload and ListMultipartUploads: a failed put\'s parts stay invisible, removePartial finds none', async () => {
    const before = unfinished().length;
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 2 * MIN_PART_SIZE + 1) { this.destroy(new Error('cut off')); return; }
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
    await assert.rejects(store.put('abortedabortedaborted', failing), /cut off/);
    // On AWS S3 or MinIO the abort discards the parts; s3rver answers 405 and keeps them.
    assert.equal(unfinished().length, before + 1);
    assert.equal(await store.removePartial(new Date(Date.now() + 60_000)), 0);
    for await (const b of store.list()) assert.notEqual(b.key, 'abortedabortedaborted');
  });
});
