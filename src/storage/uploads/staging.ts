// Staging files of resumable uploads: the segmented AES-256-GCM format itself (header, then whole sealed
// segments), so no plaintext is ever at rest. Only segments that are not the last are staged; the last
// one is sealed when the upload completes and goes straight into the blob store behind the staged
// ones. A file's length therefore says how far the upload durably got: whole sealed segments count, a
// torn trailing segment (a crash mid-write) is cut off.
import fs from 'node:fs';
import path from 'node:path';
import { HEADER_BYTES } from '../crypto/segmented-gcm.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function stagingPath(dir: string, id: string): string {
  // Ids are server-made UUIDs; checked anyway, so a path can never leave the folder.
  if (!ID.test(id)) throw new Error('invalid upload id');
  return path.join(dir, id);
}

/** A new staging file holding only the header, flushed to the disk before the upload is announced. */
export async function createStaging(dir: string, id: string, header: Buffer): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const fh = await fs.promises.open(stagingPath(dir, id), 'wx', 0o600);
  try {
    await fh.write(header, 0, header.length, 0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Whole sealed segments in the file (`undefined`: no such file, or not even a header). */
export async function stagedSegments(dir: string, id: string, sealedSegment: number): Promise<number | undefined> {
  try {
    const { size } = await fs.promises.stat(stagingPath(dir, id));
    return size < HEADER_BYTES ? undefined : Math.floor((size - HEADER_BYTES) / sealedSegment);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** An open staging file positioned after its last whole segment (a torn tail is truncated away). */
export interface StagingFile {
  fh: fs.promises.FileHandle;
  header: Buffer;
  segments: number;
}

export async function openStaging(dir: string, id: string, sealedSegment: number, maxSegments: number): Promise<StagingFile | undefined> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(stagingPath(dir, id), 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size < HEADER_BYTES) { await fh.close(); return undefined; }
    const header = Buffer.alloc(HEADER_BYTES);
    await fh.read(header, 0, HEADER_BYTES, 0);
    const segments = Math.min(Math.floor((size - HEADER_BYTES) / sealedSegment), maxSegments);
    const whole = HEADER_BYTES + segments * sealedSegment;
    if (size !== whole) await fh.truncate(whole);
    return { fh, header, segments };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

export async function removeStaging(dir: string, id: string): Promise<void> {
  await fs.promises.rm(stagingPath(dir, id), { force: true });
}

/** Ids of every staging file (for housekeeping); names that are not upload ids are ignored. */
export async function listStaging(dir: string): Promise<string[]> {
  try {
    return (await fs.promises.readdir(dir)).filter((n) => ID.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
