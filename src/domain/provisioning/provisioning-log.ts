// The tenant's provisioning log: every SCIM request, its outcome, the reason of a failure and the
// attributes ignored, so the tenant sees why Entra reports a failure (DESIGN.md).
import type { Insertable } from 'kysely';
import { invalid } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

type Row = Insertable<Database['provisioning_log']>;

/**
 * Entries are queued and written in one transaction every 50 ms: one disk flush for a burst of
 * requests instead of one per request, which would halve Entra's provisioning rate on SQLite.
 * At most that window is lost if the process dies; the SCIM writes themselves are not delayed.
 */
export class ProvisioningLogWriter {
  private queue: Row[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Pick<Ctx, 'db' | 'log'>) {}

  record(row: Row) {
    this.queue.push(row);
    this.timer ??= setTimeout(() => void this.flush(), 50);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.queue;
    this.queue = [];
    if (!rows.length) return;
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 100) await trx.insertInto('provisioning_log').values(rows.slice(i, i + 100)).execute();
      });
    } catch (err) {
      this.ctx.log.error({ err, entries: rows.length }, 'could not write the provisioning log');
    }
  }
}

export interface ProvisioningEntry {
  at: string; method: string; path: string; status: number; userId: string | null;
  error?: string; ignored?: string[];
}

/** Reads the log newest first; `status` is a code (404), a class (4xx) or "error" (every 4xx and 5xx). */
export async function readProvisioningLog(
  ctx: Ctx, tenantId: string, q: { status?: string; userId?: string; startIndex: number; count: number },
): Promise<{ total: number; items: ProvisioningEntry[] }> {
  let range: [number, number] | undefined;
  if (q.status) {
    const s = q.status.toLowerCase();
    if (s === 'error') range = [400, 599];
    else if (/^[1-5]xx$/.test(s)) range = [Number(s[0]) * 100, Number(s[0]) * 100 + 99];
    else if (/^[1-5]\d\d$/.test(s)) range = [Number(s), Number(s)];
    else throw invalid('status must be a code such as 404, a class such as 4xx, or "error"');
  }
  const base = ctx.db.selectFrom('provisioning_log').where('tenant_id', '=', tenantId)
    .$if(range !== undefined, (qb) => qb.where('status', '>=', range![0]).where('status', '<=', range![1]))
    .$if(q.userId !== undefined, (qb) => qb.where('user_id', '=', q.userId!));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('seq', 'desc').limit(q.count).offset(q.startIndex - 1).execute();
  return {
    total: Number(total),
    items: rows.map((r) => {
      const detail = r.detail ? (JSON.parse(r.detail) as { error?: string; ignored?: string[] }) : {};
      return { at: r.at, method: r.method, path: r.path, status: r.status, userId: r.user_id, ...detail };
    }),
  };
}

/** Removes entries older than the retention period (PROVISIONING_LOG_DAYS, 30 by default). */
export async function pruneProvisioningLog(ctx: Pick<Ctx, 'db' | 'config'>): Promise<number> {
  const cutoff = new Date(Date.now() - ctx.config.provisioningLogDays * 86_400_000).toISOString();
  const res = await ctx.db.deleteFrom('provisioning_log').where('at', '<', cutoff).executeTakeFirst();
  return Number(res.numDeletedRows);
}
