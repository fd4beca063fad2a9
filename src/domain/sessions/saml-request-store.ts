// node-saml's CacheProvider over the database: our AuthnRequest ids, per tenant and single-use, so a
// sign-in started on one instance can finish on another and a response cannot be answered twice.
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

const LIFETIME_MS = 10 * 60 * 1000;

export function samlRequestStore(ctx: Ctx, tenantId: string): CacheProvider {
  return {
    async saveAsync(key: string, value: string): Promise<CacheItem | null> {
      const created = Date.now();
      await ctx.db.insertInto('saml_requests').values({
        id: key, tenant_id: tenantId, created_at: value, expires_at: new Date(created + LIFETIME_MS).toISOString(),
      }).execute();
      return { value, createdAt: created };
    },
    async getAsync(key: string): Promise<string | null> {
      const row = await ctx.db.selectFrom('saml_requests').select('created_at')
        .where('id', '=', key).where('tenant_id', '=', tenantId).where('expires_at', '>', nowIso()).executeTakeFirst();
      return row?.created_at ?? null;
    },
    async removeAsync(key: string | null): Promise<string | null> {
      if (!key) return null;
      await ctx.db.deleteFrom('saml_requests').where('id', '=', key).where('tenant_id', '=', tenantId).execute();
      return key;
    },
  };
}
