import type { Ctx } from '../domain/context.js';
import { collectBlobs } from '../domain/documents/collect-blobs.js';
import { pruneStaleUploads } from '../domain/documents/prune-stale-uploads.js';
import { options, UsageError } from './index.js';

/** `collect`: the housekeeping job's blob collection and expired resumable uploads, on demand (e.g. after a crash, with the service stopped). */
export async function collect(ctx: Ctx, args: string[]) {
  const o = options(args, { 'grace-minutes': { type: 'string' }, json: { type: 'boolean' } });
  const minutes = o['grace-minutes'] === undefined ? 60 : Number(o['grace-minutes']);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 100_000) throw new UsageError('--grace-minutes must be a whole number from 0 to 100000');
  const done = { ...await collectBlobs(ctx, minutes * 60_000), uploads: await pruneStaleUploads(ctx) };
  if (o.json) return console.log(JSON.stringify(done));
  console.log(`${done.partial} partial upload file(s), ${done.orphans} unreferenced blob(s) and ${done.uploads} expired or orphaned resumable upload(s) removed`);
}
