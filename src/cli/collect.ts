import type { Ctx } from '../domain/context.js';
import { collectBlobs } from '../domain/documents/collect-blobs.js';
import { options, UsageError } from './index.js';

/** `collect`: the housekeeping job's blob collection, on demand (e.g. after a crash, with the service stopped). */
export async function collect(ctx: Ctx, args: string[]) {
  const o = options(args, { 'grace-minutes': { type: 'string' }, json: { type: 'boolean' } });
  const minutes = o['grace-minutes'] === undefined ? 60 : Number(o['grace-minutes']);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 100_000) throw new UsageError('--grace-minutes must be a whole number from 0 to 100000');
  const done = await collectBlobs(ctx, minutes * 60_000);
  if (o.json) return console.log(JSON.stringify(done));
  console.log(`${done.partial} partial upload file(s) and ${done.orphans} unreferenced blob(s) removed`);
}
