// `secure-exchange restore --from DIR` into an empty installation (a new data folder, an empty
// database and blob store). Nothing is written before the backup is known complete, the target empty
// and the master key able to open the backup's tenant keys.
import fs from 'node:fs';
import readline from 'node:readline';
import { invalid } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import type { Database } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { blobPath, decodeRow, FORMAT, manifestPath, tablePath, type Manifest } from './backup-format.js';

const BATCH = 200;

export async function restoreBackup(ctx: Ctx, from: string): Promise<{ tables: number; rows: number; blobs: number }> {
  const manifest = readManifest(from);
  const { total } = await ctx.db.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  if (Number(total) > 0) throw invalid('The target already holds tenants: restore goes into an empty installation (a new DATA_DIR or database)');
  for await (const _ of ctx.blobs.list()) throw invalid('The target blob store is not empty: restore goes into an empty installation');
  for await (const t of lines(tablePath(from, tableFile(manifest, 'tenants')))) {
    // Throws KeyError (a clear message, exit 1) before anything is written.
    unwrapKey(ctx.masterKey, t.wrapped_key as string, `tenant:${t.id as string}`);
  }
  let rows = 0;
  for (const t of manifest.tables) {
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      const values = batch;
      batch = [];
      if (values.length) await ctx.db.insertInto(t.name as keyof Database).values(values as never).execute();
    };
    for await (const row of lines(tablePath(from, t.file))) {
      batch.push(row);
      rows++;
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }
  for (const b of manifest.blobs) {
    const { bytes } = await ctx.blobs.put(b.key, fs.createReadStream(blobPath(from, b.key)));
    if (bytes !== b.bytes) throw new Error(`blob ${b.key}: ${bytes} bytes restored, the backup lists ${b.bytes}`);
  }
  return { tables: manifest.tables.length, rows, blobs: manifest.blobs.length };
}

function readManifest(dir: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(manifestPath(dir), 'utf8')) as Manifest;
  } catch {
    throw invalid(`${dir} holds no complete backup (manifest.json missing or unreadable)`);
  }
  if (m.format !== FORMAT) throw invalid(`${dir}: unknown backup format ${String(m.format)}`);
  for (const t of m.tables) if (!fs.existsSync(tablePath(dir, t.file))) throw invalid(`${dir}: table file ${t.file} is missing`);
  for (const b of m.blobs) {
    const size = fs.statSync(blobPath(dir, b.key), { throwIfNoEntry: false })?.size;
    if (size !== b.bytes) throw invalid(`${dir}: blob ${b.key} is missing or truncated`);
  }
  return m;
}

function tableFile(m: Manifest, name: string): string {
  const t = m.tables.find((x) => x.name === name);
  if (!t) throw invalid(`the backup has no ${name} table`);
  return t.file;
}

async function* lines(file: string): AsyncIterable<Record<string, unknown>> {
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (line) yield decodeRow(line);
  }
}
