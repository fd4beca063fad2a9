// While a backup copies blobs, no blob may disappear: a document deleted after the backup's database
// snapshot still has its row in the snapshot and needs its blob in the copy. The hold is a row, so the
// server sees a hold taken by the CLI; it ends by itself should the backup die.
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

const NAME = 'blob-removal';

export async function holdBlobRemoval(ctx: Pick<Ctx, 'db'>, forMs: number): Promise<void> {
  const until = new Date(Date.now() + forMs).toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('maintenance_holds').where('name', '=', NAME).execute();
    await trx.insertInto('maintenance_holds').values({ name: NAME, until }).execute();
  });
}

export async function releaseBlobRemoval(ctx: Pick<Ctx, 'db'>): Promise<void> {
  await ctx.db.deleteFrom('maintenance_holds').where('name', '=', NAME).execute();
}

/** True while a backup holds blob removal: deletions leave their blobs to the collector, which waits. */
export async function blobRemovalHeld(ctx: Pick<Ctx, 'db'>): Promise<boolean> {
  const row = await ctx.db.selectFrom('maintenance_holds').select('until').where('name', '=', NAME).where('until', '>', nowIso()).executeTakeFirst();
  return row !== undefined;
}
