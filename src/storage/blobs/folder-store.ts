// Blobs as files under one folder: written to a temporary name, fsynced, then renamed, so a crash
// leaves either the whole blob or none (DESIGN.md, "no half-visible document").
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from './store.js';

const KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

export class FolderBlobStore implements BlobStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true, mode: 0o700 });
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error('invalid blob key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const final = this.pathOf(key);
    const tmp = path.join(this.root, 'tmp', `${key}.${crypto.randomBytes(6).toString('hex')}`);
    let bytes = 0;
    const fh = await fs.promises.open(tmp, 'wx', 0o600);
    try {
      await pipeline(source, new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          fh.write(chunk).then(() => done(), done);
        },
        writev(chunks, done) {
          const bufs = chunks.map((c) => c.chunk as Buffer);
          bytes += bufs.reduce((n, b) => n + b.length, 0);
          fh.writev(bufs).then(() => done(), done);
        },
      }));
      await fh.datasync();
      await fh.close();
      await fs.promises.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      await fs.promises.rename(tmp, final);
      return { bytes };
    } catch (err) {
      await fh.close().catch(() => {});
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): Readable {
    return fs.createReadStream(this.pathOf(key), { highWaterMark: 256 * 1024 });
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }
}
