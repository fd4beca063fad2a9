import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { DecryptStream, EncryptStream, encryptedSize, HEADER_BYTES, SegmentCipher, TAG_BYTES } from '../../src/storage/crypto/segmented-gcm.js';

const SEG = 1024;
const seal = (key: Buffer, plain: Buffer) => buffer(Readable.from(chunks(plain)).pipe(new EncryptStream(key, SEG)));
const open = (key: Buffer, sealed: Buffer) => buffer(Readable.from([sealed]).pipe(new DecryptStream(key)));

function* chunks(b: Buffer) {
  // Odd chunk sizes so segment boundaries fall inside chunks.
  for (let i = 0; i < b.length; i += 777) yield b.subarray(i, i + 777);
}

describe('segmented AES-256-GCM', () => {
  const key = crypto.randomBytes(32);

  for (const size of [0, 1, SEG - 1, SEG, SEG + 1, 5 * SEG, 5 * SEG + 3]) {
    it(`round-trips ${size} bytes with the predicted size`, async () => {
      const plain = crypto.randomBytes(size);
      const sealed = await seal(key, plain);
      assert.equal(sealed.length, encryptedSize(size, SEG));
      assert.ok((await open(key, sealed)).equals(plain));
    });
  }

  it('streams segments and tags split across any chunk boundary, byte for byte as sealed one segment at a time', async () => {
    const plain = crypto.randomBytes(3 * SEG + 10);
    const sealed = await seal(key, plain);
    // The resumable upload seals segment by segment: the stream's pieces must make exactly those bytes.
    const cipher = new SegmentCipher(key, sealed.subarray(0, HEADER_BYTES));
    const bySegment: Buffer[] = [sealed.subarray(0, HEADER_BYTES)];
    for (let i = 0; i * SEG < plain.length; i++) bySegment.push(cipher.seal(plain.subarray(i * SEG, (i + 1) * SEG), i, (i + 1) * SEG >= plain.length));
    assert.ok(Buffer.concat(bySegment).equals(sealed));
    // 7-byte chunks put segment boundaries and every tag across chunks.
    const tiny = function* () { for (let i = 0; i < sealed.length; i += 7) yield sealed.subarray(i, i + 7); };
    assert.ok((await buffer(Readable.from(tiny()).pipe(new DecryptStream(key)))).equals(plain));
    const flipped = Buffer.from(sealed);
    flipped[HEADER_BYTES + SEG + TAG_BYTES - 1]! ^= 1; // last byte of the first tag
    await assert.rejects(buffer(Readable.from([flipped]).pipe(new DecryptStream(key))), /failed authentication/);
  });

  const plain = crypto.randomBytes(4 * SEG + 100);
  it('refuses a flipped bit, a wrong key, a truncation and a swapped segment', async () => {
    const sealed = await seal(key, plain);
    const flipped = Buffer.from(sealed);
    flipped[HEADER_BYTES + 5]! ^= 1;
    await assert.rejects(open(key, flipped), /failed authentication/);
    await assert.rejects(open(crypto.randomBytes(32), sealed), /failed authentication/);
    // Cut exactly at a segment boundary: without the last-segment flag this would pass.
    await assert.rejects(open(key, sealed.subarray(0, HEADER_BYTES + 2 * (SEG + 16))), /failed authentication/);
    const s1 = sealed.subarray(HEADER_BYTES, HEADER_BYTES + SEG + 16);
    const s2 = sealed.subarray(HEADER_BYTES + SEG + 16, HEADER_BYTES + 2 * (SEG + 16));
    const swapped = Buffer.concat([sealed.subarray(0, HEADER_BYTES), s2, s1, sealed.subarray(HEADER_BYTES + 2 * (SEG + 16))]);
    await assert.rejects(open(key, swapped), /failed authentication/);
    await assert.rejects(open(key, Buffer.from('not a blob at all, no header')), /not a SecureExchange/);
  });

  it('never releases bytes of a segment that fails authentication', async () => {
    const sealed = await seal(key, plain);
    const bad = Buffer.from(sealed);
    bad[HEADER_BYTES + 2 * (SEG + 16) + 3]! ^= 1; // third segment
    const got: Buffer[] = [];
    const d = Readable.from(chunks(bad)).pipe(new DecryptStream(key));
    await assert.rejects(async () => { for await (const c of d) got.push(c as Buffer); }, /failed authentication/);
    const out = Buffer.concat(got);
    assert.ok(out.length <= 2 * SEG, `at most the two verified segments came out (${out.length})`);
    assert.ok(out.equals(plain.subarray(0, out.length)), 'and what came out is genuine');
  });
});
