// Staging files of resumable uploads (BLOB_STORE=folder): the segmented AES-256-GCM format itself
// (header, then whole sealed segments), so no plaintext is ever at rest. Only segments that are not the
// last are staged; the last one is sealed when the upload completes and goes straight into the blob
// store behind the staged ones. A file's length therefore says how far the upload durably got: whole
// sealed segments count, a torn trailing segment (a crash mid-write) is cut off. DATA_DIR is the one
// place every process of an embedded installation shares, so the file is the truth — except while a
// PATCH holds the upload's lease: its segments are in the file before they are flushed, and a refused
// PATCH takes them back. Meanwhile HEAD answers the offset in the row (`staged_segments`), which a
// PATCH records when it opens the file and again once its segments are flushed.
import fs from 'node:fs';
import path from 'node:path';
import { HEADER_BYTES, TAG_BYTES } from '../crypto/segmented-gcm.js';
import { nowIso, type Db } from '../db/index.js';
import type { StagedBytes, StagingAppend, UploadRow, UploadStaging } from './staging.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sealedSegment = (row: UploadRow): number => row.segment_size + TAG_BYTES;
const maxSegments = (row: UploadRow): number => Math.max(1, Math.ceil(Number(row.length) / row.segment_size)) - 1;
/** Whole sealed segments in a staging file of `size` bytes (a torn tail does not count). */
const wholeSegments = (size: number, row: UploadRow): number => Math.min(Math.floor((size - HEADER_BYTES) / sealedSegment(row)), maxSegments(row));

export class FolderStaging implements UploadStaging {
  constructor(private readonly dir: string, private readonly db: Db) {}

  pathOf(id: string): string {
    // Ids are server-made UUIDs; checked anyway, so a path can never leave the folder.
    if (!ID.test(id)) throw new Error('invalid upload id');
    return path.join(this.dir, id);
  }

  /** A new staging file holding only the header, flushed to the disk before the upload is announced. */
  async create(uploadId: string, header: Buffer): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const fh = await fs.promises.open(this.pathOf(uploadId), 'wx', 0o600);
    try {
      await fh.write(header, 0, header.length, 0);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async segments(upload: UploadRow): Promise<number | undefined> {
    try {
      const { size } = await fs.promises.stat(this.pathOf(upload.id));
      if (size < HEADER_BYTES) return undefined;
      const inFile = wholeSegments(size, upload);
      const patching = upload.patch_lease !== null && upload.patch_lease_until !== null && upload.patch_lease_until > nowIso();
      return patching ? Math.min(inFile, Number(upload.staged_segments)) : inFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The file positioned after its last whole segment (a torn tail is truncated away). */
  async append(upload: UploadRow): Promise<StagingAppend | undefined> {
    const opened = await this.openStaged(upload, 'r+');
    if (!opened) return undefined;
    const { fh, header, size, segments } = opened;
    try {
      const sealed = sealedSegment(upload);
      const whole = HEADER_BYTES + segments * sealed;
      if (size !== whole) await fh.truncate(whole);
      // Under the lease: what HEAD reports until this PATCH has flushed (see the top of this file).
      await this.record(upload.id, segments);
      return new FileAppend(fh, header, segments, sealed, (n) => this.record(upload.id, n));
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async read(upload: UploadRow): Promise<StagedBytes | undefined> {
    const opened = await this.openStaged(upload, 'r');
    if (!opened) return undefined;
    const { fh, header, segments } = opened;
    await fh.close();
    const end = HEADER_BYTES + segments * sealedSegment(upload);
    const file = this.pathOf(upload.id);
    return { header, segments, bytes: () => fs.createReadStream(file, { start: 0, end: end - 1, highWaterMark: 1024 * 1024 }) };
  }

  async remove(uploadId: string): Promise<void> {
    await fs.promises.rm(this.pathOf(uploadId), { force: true });
  }

  async sweep(known: (ids: string[]) => Promise<Set<string>>): Promise<number> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(this.dir)).filter((n) => ID.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (let i = 0; i < names.length; i += 500) {
      const batch = names.slice(i, i + 500);
      // A row is always written before its staging file (create-upload.ts), so a file without a row is garbage.
      const live = await known(batch);
      for (const id of batch) {
        if (live.has(id)) continue;
        await this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  /** The staging file opened, with its header and whole segments (undefined: no file, or not even a header). */
  private async openStaged(upload: UploadRow, flags: string): Promise<{ fh: fs.promises.FileHandle; header: Buffer; size: number; segments: number } | undefined> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(this.pathOf(upload.id), flags);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      if (size < HEADER_BYTES) { await fh.close(); return undefined; }
      const header = Buffer.alloc(HEADER_BYTES);
      await fh.read(header, 0, HEADER_BYTES, 0);
      return { fh, header, size, segments: wholeSegments(size, upload) };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** The upload's durable offset in segments, in its row (see the top of this file). */
  private async record(uploadId: string, segments: number): Promise<void> {
    await this.db.updateTable('uploads').set({ staged_segments: segments }).where('id', '=', uploadId).execute();
  }
}

class FileAppend implements StagingAppend {
  constructor(
    private readonly fh: fs.promises.FileHandle, readonly header: Buffer, readonly segments: number, private readonly sealed: number,
    private readonly record: (segments: number) => Promise<void>,
  ) {}

  async write(batches: AsyncIterable<Buffer[]>): Promise<number> {
    let written = 0;
    for await (const batch of batches) {
      if (!batch.length) continue;
      await this.fh.writev(batch, HEADER_BYTES + (this.segments + written) * this.sealed);
      written += batch.length;
    }
    // Durable before the offset that includes them is reported; recorded for HEAD between PATCHes, too
    // (a later PATCH may hold the lease before it opens the file).
    await this.fh.datasync();
    await this.record(this.segments + written);
    return written;
  }

  async discard(): Promise<void> {
    await this.fh.truncate(HEADER_BYTES + this.segments * this.sealed);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
