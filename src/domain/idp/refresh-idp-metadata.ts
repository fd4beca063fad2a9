// Scheduled refresh of metadata imported from a URL. A failed refresh keeps the last good metadata
// (sign-in goes on) and records the error for the tenant to see; the next try follows on schedule.
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { fetchMetadata, importIdpMetadata, nextRefresh } from './import-idp-metadata.js';

export async function refreshDueMetadata(ctx: Ctx, now = new Date()): Promise<{ refreshed: number; failed: number }> {
  const due = await ctx.db.selectFrom('idp_configs').select(['tenant_id', 'source_url'])
    .where('source_url', 'is not', null).where('next_refresh_at', '<=', now.toISOString()).execute();
  let refreshed = 0, failed = 0;
  for (const { tenant_id: tenantId, source_url: url } of due) {
    try {
      await importIdpMetadata(ctx, tenantId, await fetchMetadata(url!), url!, { url: url!, actor: 'scheduler' });
      refreshed++;
    } catch (err) {
      failed++;
      const message = (err as Error).message.slice(0, 500);
      ctx.log.warn({ tenantId, err: message }, 'IdP metadata refresh failed; the last good metadata stays in use');
      await ctx.db.updateTable('idp_configs').set({ refresh_error: `${nowIso()}: ${message}`, next_refresh_at: nextRefresh() })
        .where('tenant_id', '=', tenantId).execute();
    }
  }
  return { refreshed, failed };
}
