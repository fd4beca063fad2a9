// `secure-exchange backup --out DIR`, consistent while the service runs: blob removal is held, one
// database snapshot is taken and written out table by table, then every blob a live document version
// of the snapshot refers to is copied. The manifest is written last: a folder without one is no backup.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { invalid } from '../../errors.js';
import { datasync } from '../../storage/datasync.js';
import { takeSnapshot, type Snapshot } from '../../storage/db/snapshot.js';
import type { Ctx } from '../context.js';
import { blobPath, encodeRow, FORMAT, manifestPath, tablePath, type Manifest } from './backup-format.js';
import { holdBlobRemoval, releaseBlobRemoval } from './blob-hold.js';

/** Unfinished resumable uploads: their staging (a local file or bucket objects) is not carried by a backup. */
const SKIPPED_TABLES = new Set(['uploads', 'upload_parts']);
/** Long enough for a large installation; the hold ends by itself should the backup die. */
const HOLD_MS = 12 * 3600_000;

export async function createBackup(ctx: Ctx, out: string): Promise<Manifest> {
  const cannot = (err: unknown) => invalid(`The backup folder ${out} cannot be made: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  let found: fs.Stats | undefined;
  try {
    found = fs.statSync(out, { throwIfNoEntry: false });
  } catch (err) {
    throw cannot(err);
  }
  if (found && (!found.isDirectory() || fs.readdirSync(out).length)) throw invalid(`${out} is not an empty folder: a backup goes into a new or empty folder`);
  try {
    fs.mkdirSync(path.join(out, 'tables'), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.join(out, 'blobs'), { mode: 0o700 });
  } catch (err) {
    throw cannot(err);
  }
  await holdBlobRemoval(ctx, HOLD_MS);
  try {
    const snap = await takeSnapshot(ctx.db, path.join(out, '.snapshot.sqlite'));
    try {
      const tables: Manifest['tables'] = [];
      for (const [i, name] of snap.tables.filter((t) => !SKIPPED_TABLES.has(t)).entries()) {
        const file = `${String(i + 1).padStart(3, '0')}-${name}.jsonl`;
        tables.push({ name, file, rows: await writeTable(snap, name, tablePath(out, file)) });
      }
      const blobs: Manifest['blobs'] = [];
      for (const key of await liveBlobKeys(snap)) blobs.push({ key, bytes: await copyBlob(ctx, key, blobPath(out, key)) });
      const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), tables, blobs };
      const tmp = `${manifestPath(out)}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
      await datasync(tmp);
      fs.renameSync(tmp, manifestPath(out));
      return manifest;
    } finally {
      await snap.close();
    }
  } finally {
    await releaseBlobRemoval(ctx);
  }
}

async function writeTable(snap: Snapshot, name: string, file: string): Promise<number> {
  let rows = 0;
  const lines = (async function* () {
    for await (const row of snap.rows(name)) {
      rows++;
      yield encodeRow(row) + '\n';
    }
  })();
  await pipeline(lines, fs.createWriteStream(file, { mode: 0o600 }));
  await datasync(file);
  return rows;
}

/** Blob keys of every version of every document that is not deleted, in the snapshot. */
async function liveBlobKeys(snap: Snapshot): Promise<string[]> {
  const live = new Set<string>();
  for await (const d of snap.rows('documents')) if (d.deleted_at === null) live.add(d.id as string);
  const keys: string[] = [];
  for await (const v of snap.rows('document_versions')) if (live.has(v.document_id as string)) keys.push(v.blob_key as string);
  return keys;
}

async function copyBlob(ctx: Ctx, key: string, file: string): Promise<number> {
  await pipeline(ctx.blobs.get(key), fs.createWriteStream(file, { mode: 0o600 }));
  await datasync(file);
  return fs.statSync(file).size;
}
