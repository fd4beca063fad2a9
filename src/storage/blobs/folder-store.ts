// Blobs as files under one folder: written to a temporary name, fsynced, then renamed, so a crash
// leaves either the whole blob or none (DESIGN.md, "no half-visible document").
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { datasync } from '../datasync.js';
import { BLOB_KEY as KEY_PATTERN, type BlobStore } from './store.js';

export class FolderBlobStore implements BlobStore {
  constructor(private readonly root: string) {
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  }

  async removePartial(olderThan: Date): Promise<number> {
    // Partial files of writes cut off by a crash: nothing refers to them. A younger one may belong to an
    // upload running now (in this or another process), so the caller picks the age.
    const tmp = path.join(this.root, 'tmp');
    let removed = 0;
    for (const name of await fs.promises.readdir(tmp)) {
      const file = path.join(tmp, name);
      try {
        if ((await fs.promises.stat(file)).mtimeMs < olderThan.getTime()) { await fs.promises.rm(file, { force: true }); removed++; }
      } catch { /* gone meanwhile */ }
    }
    return removed;
  }

  async *list(): AsyncIterable<{ key: string; writtenAt: number }> {
    for (const dir of await fs.promises.readdir(this.root, { withFileTypes: true })) {
      // Blobs sit in folders named by their key's first two characters; `tmp` holds partial writes.
      if (!dir.isDirectory() || dir.name.length !== 2) continue;
      const folder = path.join(this.root, dir.name);
      for (const name of await fs.promises.readdir(folder)) {
        if (!KEY_PATTERN.test(name) || !name.startsWith(dir.name)) continue;
        try { yield { key: name, writtenAt: (await fs.promises.stat(path.join(folder, name))).mtimeMs }; } catch { /* removed meanwhile */ }
      }
    }
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error('invalid blob key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const final = this.pathOf(key);
    const tmp = path.join(this.root, 'tmp', `${key}.${crypto.randomBytes(6).toString('hex')}`);
    // Large buffered writes (writev of queued segments) rather than one syscall per 64 KiB segment.
    const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
    const flusher = new EarlyFlush(out);
    try {
      await pipeline(source, flusher, out);
      await flusher.settled();
      // On the disk before it is renamed into place: a crash never exposes a torn blob.
      await datasync(tmp);
      await fs.promises.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      await fs.promises.rename(tmp, final);
      return { bytes: out.bytesWritten };
    } catch (err) {
      out.destroy();
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): Readable {
    return fs.createReadStream(this.pathOf(key), { highWaterMark: 1024 * 1024 });
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async ready(): Promise<void> {
    await fs.promises.access(path.join(this.root, 'tmp'), fs.constants.W_OK);
  }
}

/**
 * Starts flushing a file to the disk while it is still being written (one fdatasync in flight at a
 * time, every FLUSH_EVERY bytes). Without it the kernel holds a whole upload in the page cache and the
 * final fdatasync writes it all after the last byte arrived, so receiving and writing never overlap.
 */
const FLUSH_EVERY = 32 * 1024 * 1024;
class EarlyFlush extends Transform {
  private pending = 0;
  private inFlight: Promise<void> | null = null;
  constructor(private readonly out: fs.WriteStream) { super(); }
  override _transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback) {
    this.pending += chunk.length;
    const fd = (this.out as unknown as { fd: number | null }).fd;
    if (this.pending >= FLUSH_EVERY && !this.inFlight && typeof fd === 'number') {
      this.pending = 0;
      this.inFlight = new Promise<void>((resolve) => fs.fdatasync(fd, () => resolve())).then(() => { this.inFlight = null; });
    }
    done(null, chunk);
  }
  /** Waits for the flush in flight (an error of it is harmless: the final fdatasync decides). */
  async settled() { await this.inFlight; }
}
