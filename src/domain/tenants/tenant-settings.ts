// The tenant's console settings and overview (the values its IT needs, never the Secret Token).
import { tenantUrls } from '../../config.js';
import { invalid } from '../../errors.js';
import { LANGUAGES, type Language } from '../../scim/user-resource.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

export interface TenantSettings { defaultLanguage: string }

export async function readTenantSettings(ctx: Ctx, tenantId: string): Promise<TenantSettings> {
  const t = await ctx.db.selectFrom('tenants').select('default_language').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return { defaultLanguage: t.default_language };
}

/**
 * `defaultLanguage` is the language of users Entra provisions without one (and of pages for them);
 * users already provisioned keep theirs. Unknown keys are refused, so a typo never looks saved.
 */
export async function updateTenantSettings(ctx: Ctx, tenantId: string, body: unknown): Promise<TenantSettings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Send a JSON object such as {"defaultLanguage": "DE"}');
  const unknown = Object.keys(body).filter((k) => k !== 'defaultLanguage');
  if (unknown.length) throw invalid(`Unknown setting "${unknown[0]}"; the settings are: defaultLanguage`);
  const { defaultLanguage } = body as { defaultLanguage?: unknown };
  if (defaultLanguage === undefined) return readTenantSettings(ctx, tenantId);
  const lang = typeof defaultLanguage === 'string' ? defaultLanguage.toUpperCase() : '';
  if (!(LANGUAGES as readonly string[]).includes(lang)) throw invalid(`"defaultLanguage" must be one of ${LANGUAGES.join(', ')}`);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('tenants').select('default_language').where('id', '=', tenantId).executeTakeFirstOrThrow();
    if (before.default_language !== lang) {
      await trx.updateTable('tenants').set({ default_language: lang as Language }).where('id', '=', tenantId).execute();
      await recordAudit(trx, { tenantId, actor: 'tenant', action: 'tenant.settings', detail: { defaultLanguage: { from: before.default_language, to: lang } } });
    }
    return { defaultLanguage: lang };
  });
}

/** What the console's setup page shows: the values for Entra ID (the Secret Token only ever at its issue). */
export async function tenantOverview(ctx: Ctx, tenantId: string) {
  const t = await ctx.db.selectFrom('tenants').select(['id', 'name', 'username', 'default_language', 'totp_secret', 'created_at', 'password_changed_at'])
    .where('id', '=', tenantId).executeTakeFirstOrThrow();
  const idp = await ctx.db.selectFrom('idp_configs').select('entity_id').where('tenant_id', '=', tenantId).executeTakeFirst();
  const urls = tenantUrls(ctx.config, tenantId);
  return {
    tenantId: t.id, name: t.name, username: t.username, defaultLanguage: t.default_language,
    scimUrl: urls.scimUrl, samlUrl: urls.samlUrl, metadataUrl: urls.metadataUrl, loginUrl: urls.loginUrl,
    idpConfigured: !!idp, totpEnabled: t.totp_secret !== null, createdAt: t.created_at, passwordChangedAt: t.password_changed_at,
  };
}
