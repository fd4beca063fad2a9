// Collects what a crash or a failed step can leave in the blob store: partial writes, and blobs that no
// live document version refers to (stored but never committed, or of a deleted document whose removal
// failed). Only blobs older than `grace` are touched: a younger one may be an upload between its blob
// write and its commit, right now, in this or another process.
import { blobRemovalHeld } from '../backup/blob-hold.js';
import type { Ctx } from '../context.js';

export interface Collected { partial: number; orphans: number }

const BATCH = 500;

export async function collectBlobs(ctx: Ctx, graceMs: number): Promise<Collected> {
  const before = new Date(Date.now() - graceMs);
  const partial = await ctx.blobs.removePartial(before);
  // A backup is copying blobs its snapshot refers to: none is removed until it is done.
  if (await blobRemovalHeld(ctx)) return { partial, orphans: 0 };
  let orphans = 0;
  let batch: string[] = [];
  const sweep = async () => {
    const live = new Set((await ctx.db.selectFrom('document_versions as v')
      .innerJoin('documents as d', 'd.id', 'v.document_id')
      .select('v.blob_key').where('v.blob_key', 'in', batch).where('d.deleted_at', 'is', null).execute()).map((r) => r.blob_key));
    for (const key of batch) {
      if (live.has(key)) continue;
      await ctx.blobs.delete(key);
      orphans++;
    }
    batch = [];
  };
  for await (const blob of ctx.blobs.list()) {
    if (blob.writtenAt >= before.getTime()) continue;
    batch.push(blob.key);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length) await sweep();
  if (partial || orphans) ctx.log.info({ partial, orphans }, 'unreferenced blobs collected');
  return { partial, orphans };
}
