// The off-thread SHA-256 gives exactly node:crypto's digest, for any chunking, with many hashes
// interleaved on the one thread.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { OffThreadSha256 } from '../../src/storage/crypto/off-thread-sha256.js';
import { Prng } from '../helpers/prng.js';

const MIB = 1024 * 1024;
const expected = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('OffThreadSha256', () => {
  it('matches node:crypto at the batch edges', async () => {
    for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 17]) {
      const data = crypto.randomBytes(size);
      const h = new OffThreadSha256();
      await h.update(data);
      assert.equal(await h.digest(), expected(data), `${size} bytes`);
    }
  });

  it('matches for random chunkings, 12 hashes interleaved', async () => {
    const rng = new Prng(20261204);
    const inputs = Array.from({ length: 12 }, (_, i) => crypto.randomBytes(i * 300_001));
    const hashes = inputs.map(() => new OffThreadSha256());
    const offsets = inputs.map(() => 0);
    while (offsets.some((o, i) => o < inputs[i]!.length)) {
      for (let i = 0; i < inputs.length; i++) {
        const n = Math.min(inputs[i]!.length - offsets[i]!, 1 + rng.int(200_000));
        if (n <= 0) continue;
        await hashes[i]!.update(inputs[i]!.subarray(offsets[i], offsets[i]! + n));
        offsets[i]! += n;
      }
    }
    const got = await Promise.all(hashes.map((h) => h.digest()));
    assert.deepEqual(got, inputs.map(expected));
  });

  it('a discarded hash leaves the others intact', async () => {
    const a = new OffThreadSha256();
    const b = new OffThreadSha256();
    const data = crypto.randomBytes(2 * MIB + 5);
    await a.update(data);
    await b.update(data);
    a.discard();
    assert.equal(await b.digest(), expected(data));
  });
});
