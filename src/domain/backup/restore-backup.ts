// `secure-exchange restore --from DIR` into an empty installation (a new data folder, an empty
// database and blob store). Nothing is written before the backup is known complete, the target empty
// and the master key able to open the backup's tenant keys.
import fs from 'node:fs';
import readline from 'node:readline';
import { AppError, invalid } from '../../errors.js';
import { BLOB_KEY } from '../../storage/blobs/store.js';
import { KeyError, unwrapKey } from '../../storage/crypto/keys.js';
import type { Database } from '../../storage/db/index.js';
import { afterRestore } from '../../storage/db/snapshot.js';
import type { Ctx } from '../context.js';
import { blobPath, decodeRow, FORMAT, manifestPath, tablePath, type Manifest } from './backup-format.js';

const BATCH = 200;

export async function restoreBackup(ctx: Ctx, from: string): Promise<{ tables: number; rows: number; blobs: number }> {
  const manifest = readManifest(from);
  const { total } = await ctx.db.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  if (Number(total) > 0) throw invalid('The target already holds tenants: restore goes into an empty installation (a new DATA_DIR or database)');
  for await (const _ of ctx.blobs.list()) throw invalid('The target blob store is not empty: restore goes into an empty installation');
  try {
    for await (const t of lines(tablePath(from, tableFile(manifest, 'tenants')))) {
      // Throws KeyError (a clear message, exit 1) before anything is written.
      unwrapKey(ctx.masterKey, String(t.wrapped_key), `tenant:${String(t.id)}`);
    }
  } catch (err) {
    if (err instanceof KeyError || err instanceof AppError) throw err;
    throw invalid(`The backup's tenants cannot be read: ${(err as Error).message}`);
  }
  const known = new Set((await ctx.db.introspection.getTables()).map((t) => t.name));
  const unknown = manifest.tables.find((t) => !known.has(t.name));
  if (unknown) throw invalid(`The backup has a table this version does not know (${unknown.name}): restore with the version that made it, or newer`);
  // Blobs first, then every row in one transaction: a failure leaves the target as empty as it was.
  const restored: string[] = [];
  let rows = 0;
  try {
    for (const b of manifest.blobs) {
      const { bytes } = await ctx.blobs.put(b.key, fs.createReadStream(blobPath(from, b.key)));
      restored.push(b.key);
      if (bytes !== b.bytes) throw invalid(`blob ${b.key}: ${bytes} bytes read, the manifest lists ${b.bytes}`);
    }
    await ctx.db.transaction().execute(async (trx) => {
      for (const t of manifest.tables) {
        let line = 0;
        let batch: Record<string, unknown>[] = [];
        const flush = async () => {
          const values = batch;
          batch = [];
          if (values.length) await trx.insertInto(t.name as keyof Database).values(values as never).execute();
        };
        try {
          for await (const row of lines(tablePath(from, t.file))) {
            line++;
            batch.push(row);
            if (batch.length >= BATCH) await flush();
          }
          await flush();
        } catch (err) {
          throw invalid(`${t.file} near line ${line}: ${(err as Error).message}`);
        }
        rows += line;
      }
      await afterRestore(trx);
    });
  } catch (err) {
    for (const key of restored) await ctx.blobs.delete(key).catch(() => undefined);
    if (err instanceof AppError) throw invalid(`Nothing was restored: ${err.message}`);
    throw err;
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
  if (m?.format !== FORMAT || !Array.isArray(m.tables) || !Array.isArray(m.blobs)) throw invalid(`${dir}: not a backup of this format (${FORMAT})`);
  // The manifest names files and tables: nothing outside the folder is read, nothing but data tables written.
  for (const t of m.tables) {
    if (typeof t?.name !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(t.name) || t.name.startsWith('kysely_')) throw invalid(`${dir}: manifest names a table that is not data: ${String(t?.name)}`);
    if (typeof t.file !== 'string' || !/^\d{3}-[a-z0-9_]+\.jsonl$/.test(t.file)) throw invalid(`${dir}: manifest names an unexpected table file: ${String(t.file)}`);
    if (!fs.existsSync(tablePath(dir, t.file))) throw invalid(`${dir}: table file ${t.file} is missing`);
  }
  for (const b of m.blobs) {
    if (typeof b?.key !== 'string' || !BLOB_KEY.test(b.key) || !Number.isSafeInteger(b.bytes)) throw invalid(`${dir}: manifest lists a malformed blob entry`);
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
