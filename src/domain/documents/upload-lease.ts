// One request at a time per resumable upload, across every instance: two PATCHes at once would
// interleave segments (tus core leaves concurrency to the server; clients retry on 409). The lock is a
// lease on the upload's row — a random holder id and the time it ends — taken by one conditional UPDATE
// (free or ended), so the database decides between instances, and an instance that dies holding it
// blocks the upload only until it ends by itself (UPLOAD_LEASE_SECONDS). A PATCH renews it while bytes
// flow; one whose client stalls for about the lease's time loses it, and a retry can take over.
import crypto from 'node:crypto';
import { conflict } from '../../errors.js';
import type { Ctx } from '../context.js';

const iso = (ms: number) => new Date(ms).toISOString();

export class UploadLease {
  private renewedAt: number;
  /** Set once the lease is known to be gone: what the request wrote may belong to the next holder now. */
  lost = false;

  private constructor(private readonly ctx: Ctx, readonly uploadId: string, readonly holder: string, private until: number) {
    this.renewedAt = Date.now();
  }

  private get ms() { return this.ctx.config.uploadLeaseSeconds * 1000; }
  /** Renewed after a quarter of its time (30 s at the default two minutes). */
  private get renewEvery() { return Math.min(30_000, this.ms / 4); }
  /**
   * Held as lost this long before it ends, so a write that passed the check lands before another
   * instance can take the lease (instances' clocks are assumed to agree, as for every expiry here).
   */
  private get margin() { return Math.min(10_000, this.ms / 4); }

  /** The lease, or undefined while another request (of any instance) holds it. */
  static async take(ctx: Ctx, uploadId: string): Promise<UploadLease | undefined> {
    const holder = crypto.randomBytes(8).toString('hex');
    const now = Date.now();
    const until = now + ctx.config.uploadLeaseSeconds * 1000;
    const taken = await ctx.db.updateTable('uploads').set({ patch_lease: holder, patch_lease_until: iso(until) })
      .where('id', '=', uploadId)
      .where((eb) => eb.or([eb('patch_lease_until', 'is', null), eb('patch_lease_until', '<=', iso(now))]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? new UploadLease(ctx, uploadId, holder, until) : undefined;
  }

  /** Before each write: throws a 409 once the lease is (nearly) over or taken, renews it when due. */
  async keepAlive(): Promise<void> {
    const now = Date.now();
    if (this.lost || now >= this.until - this.margin) throw this.gone();
    if (now - this.renewedAt < this.renewEvery) return;
    const until = now + this.ms;
    // Only an unexpired lease is renewed: once ended it may be another's, even if no one took it yet.
    const renewed = await this.ctx.db.updateTable('uploads').set({ patch_lease_until: iso(until) })
      .where('id', '=', this.uploadId).where('patch_lease', '=', this.holder).where('patch_lease_until', '>', iso(now))
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) !== 1) throw this.gone();
    this.until = until;
    this.renewedAt = now;
  }

  /** Frees the upload for the next request; a failure only leaves the lease to end by itself. */
  async release(): Promise<void> {
    try {
      await this.ctx.db.updateTable('uploads').set({ patch_lease: null, patch_lease_until: null })
        .where('id', '=', this.uploadId).where('patch_lease', '=', this.holder).execute();
    } catch (err) {
      this.ctx.log.warn({ err, upload: this.uploadId }, 'upload lease not released; it ends by itself');
    }
  }

  private gone() {
    this.lost = true;
    return conflict('This request held the upload too long without data and another may have taken it over; ask for its offset (HEAD) and continue from there');
  }
}
