import { AppError, invalid } from '../../errors.js';
import { describeCertificate, MAX_METADATA_BYTES, parseIdpMetadata, type CertificateInfo, type IdpMetadata } from '../../saml/metadata.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { requireTenant } from '../tenants/require-tenant.js';

const REFRESH_MS = 12 * 3600_000;

/** Twelve hours ± one, so many tenants' refreshes spread out instead of hitting Entra at once. */
export function nextRefresh(from = Date.now()): string {
  return new Date(from + REFRESH_MS + (Math.random() * 2 - 1) * 3600_000).toISOString();
}

/** A URL fit for messages and logs: any user:password in it is dropped. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

/**
 * Fetches metadata from a URL (Entra's App Federation Metadata URL), bounded in time (15 s for the whole
 * answer, body included) and in size (read as it streams and abandoned past 1 MiB: a huge or endless
 * answer never lands in memory).
 */
export async function fetchMetadata(url: string): Promise<string> {
  if (!/^https?:\/\//i.test(url)) throw invalid('The metadata URL must be an http(s) URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('The metadata URL cannot be read');
  }
  if (parsed.username || parsed.password) throw invalid('The metadata URL must not hold a user name or password');
  const signal = AbortSignal.timeout(15_000);
  try {
    const res = await fetch(url, { signal, redirect: 'follow' });
    if (!res.ok) throw invalid(`Fetching ${shown(url)} answered HTTP ${res.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    for (;;) {
      const next = reader ? await reader.read() : undefined;
      const value = next?.value;
      if (!next || next.done || !value) break;
      size += value.byteLength;
      if (size > MAX_METADATA_BYTES) {
        await reader?.cancel().catch(() => {});
        throw invalid('The metadata is larger than 1 MiB');
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof AppError) throw err;
    const why = signal.aborted ? 'no complete answer within 15 s' : (err as Error).message.replaceAll(url, shown(url));
    throw invalid(`Could not fetch ${shown(url)}: ${why}`);
  }
}

/**
 * Stores a tenant's IdP from metadata XML. `source` records where it came from; `url` (when the
 * metadata came from one) makes it refreshed on a schedule, so a certificate rollover needs no one.
 */
export async function importIdpMetadata(
  ctx: Ctx, tenantId: string, xml: string, source: string, opts: { url?: string; actor?: string } = {},
): Promise<IdpMetadata> {
  const md = parseIdpMetadata(xml);
  await ctx.db.transaction().execute(async (trx) => {
    await requireTenant(trx, tenantId);
    const now = nowIso();
    const row = {
      entity_id: md.entityId, sso_url: md.ssoUrl, slo_url: md.sloUrl ?? null, certificates: JSON.stringify(md.certificates),
      source: /^https?:/i.test(source) ? shown(source) : source,
      source_url: opts.url ?? null, next_refresh_at: opts.url ? nextRefresh() : null, refresh_error: null, refreshed_at: now, updated_at: now,
    };
    await trx.insertInto('idp_configs').values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row)).execute();
    await recordAudit(trx, { tenantId, actor: opts.actor ?? 'operator', action: 'idp.import', detail: { entityId: md.entityId, certificates: md.certificates.length, source: /^https?:/i.test(source) ? shown(source) : source } });
  });
  return md;
}

export async function getIdp(ctx: Ctx, tenantId: string): Promise<IdpMetadata | undefined> {
  const row = await ctx.db.selectFrom('idp_configs').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row && {
    entityId: row.entity_id, ssoUrl: row.sso_url, certificates: JSON.parse(row.certificates) as string[],
    ...(row.slo_url ? { sloUrl: row.slo_url } : {}),
  };
}

export interface IdpView {
  entityId: string; ssoUrl: string; sloUrl: string | null; source: string; sourceUrl: string | null;
  refreshedAt: string | null; nextRefreshAt: string | null; refreshError: string | null;
  certificates: Array<CertificateInfo & { expiresWithin30Days: boolean; expired: boolean }>;
}

/** The tenant's IdP as its console shows it: where it came from, the last refresh, every certificate's dates. */
export async function describeIdp(ctx: Ctx, tenantId: string): Promise<IdpView | undefined> {
  const row = await ctx.db.selectFrom('idp_configs').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  return {
    entityId: row.entity_id, ssoUrl: row.sso_url, sloUrl: row.slo_url, source: row.source, sourceUrl: row.source_url,
    refreshedAt: row.refreshed_at, nextRefreshAt: row.next_refresh_at, refreshError: row.refresh_error,
    certificates: (JSON.parse(row.certificates) as string[]).map((pem) => {
      const info = describeCertificate(pem);
      const end = Date.parse(info.notAfter);
      return { ...info, expired: end <= now, expiresWithin30Days: end > now && end - now < 30 * 86_400_000 };
    }),
  };
}
