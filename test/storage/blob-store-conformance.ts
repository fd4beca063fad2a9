// The blob store contract as tests, the way tus-node-server tests its stores: every BlobStore (the folder
// store, the S3 store) registers this same suite with its own factory, and a store is done when it passes.
// What it checks is what the documents code relies on: a put is all or nothing, a get streams exactly
// what was put, delete is idempotent, list sees every finished blob, keys are validated before use.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from '../../src/storage/blobs/store.js';

export interface StoreUnderTest {
  store: BlobStore;
  /**
   * The size of one part of a multipart write (S3), or any size for stores without parts: sizes of
   * "spans parts" tests are derived from it.
   */
  partSize: number;
  /** Tears down what the factory started. */
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
const newKey = () => crypto.randomBytes(24).toString('base64url');

/** `data` as a stream of irregular chunks (odd sizes, so no part boundary lines up with a chunk). */
function chunked(data: Buffer, chunk = 64 * 1024 + 7): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= data.length) { this.push(null); return; }
      this.push(data.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

/** Sends `bytes` random bytes, then fails the way a cut-off client body does. */
function failingAfter(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) { setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))); return; }
      const n = Math.min(256 * 1024, bytes - sent);
      sent += n;
      this.push(crypto.randomBytes(n));
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listed(store: BlobStore): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for await (const b of store.list()) m.set(b.key, b.writtenAt);
  return m;
}

/** The error `get` of an absent blob gives (a thrown one or the stream's). */
async function getError(store: BlobStore, key: string): Promise<NodeJS.ErrnoException> {
  try {
    await readAll(store.get(key));
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
  assert.fail(`get(${key}) should have failed`);
}

export function blobStoreConformance(name: string, factory: () => Promise<StoreUnderTest>) {
  describe(`BlobStore conformance: ${name}`, () => {
    let t: StoreUnderTest;
    before(async () => { t = await factory(); });
    after(async () => { await t?.close(); });

    const roundTrip = async (size: number) => {
      const key = newKey();
      const data = crypto.randomBytes(size);
      const { bytes } = await t.store.put(key, chunked(data));
      assert.equal(bytes, size);
      const back = await readAll(t.store.get(key));
      assert.equal(back.length, size);
      assert.ok(back.equals(data), 'the bytes read back differ from those put');
      return key;
    };

    it('is ready', async () => {
      await t.store.ready();
    });

    it('round-trips 0 bytes', async () => { await roundTrip(0); });
    it('round-trips 1 byte', async () => { await roundTrip(1); });
    it('round-trips a blob just under one part, exactly one part and one byte more', async () => {
      for (const size of [t.partSize - 1, t.partSize, t.partSize + 1]) await roundTrip(size);
    });
    it('round-trips several MiB spanning several parts', async () => {
      await roundTrip(2 * t.partSize + 3 * MiB + 17);
    });

    it('list sees what was put, with the time it was written', async () => {
      const started = Date.now();
      const keys = [await roundTrip(10), await roundTrip(MiB)];
      const all = await listed(t.store);
      for (const key of keys) {
        const at = all.get(key);
        assert.ok(at !== undefined, `${key} is not listed`);
        // S3 keeps seconds only; a minute of slack also covers a coarse clock.
        assert.ok(Math.abs(at - started) < 60_000, `writtenAt ${at} is far from ${started}`);
      }
    });

    for (const [what, bytes] of [['within the first part', 100 * 1024], ['after several parts', () => 2 * t.partSize + 123]] as const) {
      it(`a source that fails ${what} leaves nothing listed or readable`, async () => {
        const key = newKey();
        const size = typeof bytes === 'function' ? bytes() : bytes;
        await assert.rejects(t.store.put(key, failingAfter(size)));
        assert.ok(!(await listed(t.store)).has(key), 'a failed put is listed');
        assert.equal((await getError(t.store, key)).code, 'ENOENT');
      });
    }

    it('get of a missing key fails with a not-found error', async () => {
      const err = await getError(t.store, newKey());
      assert.equal(err.code, 'ENOENT');
    });

    it('delete removes the blob; deleting it again, or a key never put, is no error', async () => {
      const key = await roundTrip(1000);
      await t.store.delete(key);
      await t.store.delete(key);
      await t.store.delete(newKey());
      assert.equal((await getError(t.store, key)).code, 'ENOENT');
      assert.ok(!(await listed(t.store)).has(key));
    });

    it('refuses keys that are not store keys (paths, separators, empty) before touching anything', async () => {
      for (const bad of ['', 'short', '../../../etc/passwd', 'aa/bbbbbbbbbb', 'a'.repeat(129), 'key with spaces', 'tmp\u0000xxxxxxx']) {
        await assert.rejects(async () => t.store.put(bad, Readable.from([Buffer.from('x')])), /invalid blob key/);
        await assert.rejects(async () => readAll(t.store.get(bad)), /invalid blob key/);
        await assert.rejects(async () => t.store.delete(bad), /invalid blob key/);
      }
    });

    it('concurrent puts each store their own bytes', async () => {
      const blobs = [0, 1, 4096, MiB + 5, t.partSize + 99, 3 * MiB].map((size) => ({ key: newKey(), data: crypto.randomBytes(size) }));
      await Promise.all(blobs.map((b) => t.store.put(b.key, chunked(b.data, 10_000 + b.data.length % 977))));
      const all = await listed(t.store);
      await Promise.all(blobs.map(async (b) => {
        assert.ok(all.has(b.key));
        assert.ok((await readAll(t.store.get(b.key))).equals(b.data));
      }));
    });

    it('removePartial answers a count and leaves finished blobs alone', async () => {
      const key = await roundTrip(5000);
      const n = await t.store.removePartial(new Date(Date.now() + 60_000));
      assert.ok(Number.isInteger(n) && n >= 0);
      assert.equal((await readAll(t.store.get(key))).length, 5000);
    });

    it('a reader that stops early leaves the store usable', async () => {
      const key = await roundTrip(2 * t.partSize);
      const stream = t.store.get(key);
      for await (const _chunk of stream) break;
      assert.equal((await readAll(t.store.get(key))).length, 2 * t.partSize);
    });
  });
}
