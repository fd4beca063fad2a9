// The seal threads give what the segmented AES-256-GCM format promises (DecryptStream opens it to the
// same bytes) and node:crypto's SHA-256, for any chunking, with many documents at once; a slow reader
// holds the writer back instead of letting sealed bytes pile up.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { SealStream } from '../../src/storage/crypto/off-thread-seal.js';
import { DecryptStream, encryptedSize } from '../../src/storage/crypto/segmented-gcm.js';
import { Prng } from '../helpers/prng.js';

const MIB = 1024 * 1024;
const SEG = 64 * 1024;
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function chunks(data: Buffer, rng: Prng, max: number): Readable {
  let off = 0;
  return new Readable({
    read() {
      if (off >= data.length) return void this.push(null);
      const n = Math.min(data.length - off, 1 + rng.int(max));
      this.push(data.subarray(off, off + n));
      off += n;
    },
  });
}

async function sealAndOpen(data: Buffer, rng: Prng, max: number) {
  const key = crypto.randomBytes(32);
  const seal = new SealStream(key, SEG);
  const sealedP = collect(seal);
  await pipeline(chunks(data, rng, max), seal);
  const sealed = await sealedP;
  assert.equal(sealed.length, encryptedSize(data.length, SEG), `${data.length} bytes: sealed size`);
  const opened = await collect(Readable.from([sealed]).pipe(new DecryptStream(key)));
  return { sealed, opened, sha256: seal.sha256 };
}

describe('SealStream (hash and seal on a thread)', () => {
  it('opens to the same bytes with the right SHA-256 at the segment and batch edges', async () => {
    const rng = new Prng(20261204);
    for (const size of [0, 1, SEG - 1, SEG, SEG + 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 17]) {
      const data = crypto.randomBytes(size);
      const { opened, sha256 } = await sealAndOpen(data, rng, 200_000);
      assert.ok(opened.equals(data), `${size} bytes open to the plaintext`);
      assert.equal(sha256, sha(data), `${size} bytes: SHA-256`);
    }
  });

  it('keeps 12 documents apart, sealed at once in random chunkings', async () => {
    const rng = new Prng(7);
    const inputs = Array.from({ length: 12 }, (_, i) => crypto.randomBytes(i * 300_001 + rng.int(5000)));
    const results = await Promise.all(inputs.map((d) => sealAndOpen(d, rng, 1 + rng.int(3 * MIB))));
    results.forEach((r, i) => {
      assert.ok(r.opened.equals(inputs[i]!), `document ${i}`);
      assert.equal(r.sha256, sha(inputs[i]!));
    });
  });

  it('a tampered segment does not open', async () => {
    const data = crypto.randomBytes(3 * SEG);
    const key = crypto.randomBytes(32);
    const seal = new SealStream(key, SEG);
    const sealedP = collect(seal);
    await pipeline(Readable.from([data]), seal);
    const sealed = await sealedP;
    sealed[16 + SEG + 20]! ^= 1;
    await assert.rejects(collect(Readable.from([sealed]).pipe(new DecryptStream(key))), /failed authentication/);
  });

  it('holds the writer back while nobody reads the sealed bytes', async () => {
    const seal = new SealStream(crypto.randomBytes(32), SEG);
    let accepted = 0;
    const source = new Readable({ read() { accepted += MIB; this.push(accepted > 64 * MIB ? null : Buffer.alloc(MIB, 1)); } });
    source.pipe(seal);
    await new Promise((r) => setTimeout(r, 500));
    // Nobody reads: the sealed side fills its buffer, a few batches wait on the thread, and then the source
    // is no longer read (a few MiB in all, not the 64 MiB on offer).
    assert.ok(accepted <= 12 * MIB, `${accepted / MIB} MiB taken while nothing was read`);
    let out = 0;
    await pipeline(seal, new Writable({ write(c: Buffer, _e, done) { out += c.length; done(); } }));
    assert.equal(out, encryptedSize(64 * MIB, SEG));
    assert.ok(seal.sha256);
  });

  it('an upload that fails leaves the others intact', async () => {
    const a = new SealStream(crypto.randomBytes(32), SEG);
    const failed = new Promise((resolve) => a.once('error', resolve));
    a.write(crypto.randomBytes(2 * MIB + 5));
    a.destroy(new Error('the client went away'));
    assert.match(String(await failed), /the client went away/);
    const data = crypto.randomBytes(2 * MIB + 5);
    const { opened, sha256 } = await sealAndOpen(data, new Prng(3), 100_000);
    assert.ok(opened.equals(data));
    assert.equal(sha256, sha(data));
    assert.throws(() => a.sha256, /only once the stream has ended/);
  });
});
