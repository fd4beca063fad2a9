// Deleting a tenant (operator only). Refused while any of its exchanges holds a document that is not
// deleted: the firm's and its clients' files are never removed as a side effect; they are deleted
// (each one audited) first. Nothing else blocks it: users, sessions, tokens, the IdP, exchanges
// without documents, clients and the audit log go with the tenant, in one transaction, and the
// remaining blobs (versions of deleted documents) after it commits.
import { conflict } from '../../errors.js';
import type { Ctx } from '../context.js';
import { forgetLiveTokens } from './scim-token-cache.js';
import { requireTenant } from './require-tenant.js';

/** Children before parents (foreign keys); tables added later with a tenant_id column are emptied before these. */
const ORDER = [
  'tenant_sessions', 'sessions', 'saml_requests', 'saml_replay', 'client_sessions', 'client_codes', 'invitations',
  'exchange_clients', 'exchange_deputies', 'document_versions', 'documents', 'exchanges', 'clients', 'users',
  'idp_configs', 'scim_tokens', 'provisioning_log', 'audit_log',
] as const;

export interface TenantContents { documents: number; exchanges: number; users: number; clients: number; auditEntries: number }

export async function tenantContents(ctx: Ctx, tenantId: string): Promise<TenantContents> {
  await requireTenant(ctx.db, tenantId);
  const count = async (table: 'exchanges' | 'users' | 'clients' | 'audit_log') =>
    Number((await ctx.db.selectFrom(table).where('tenant_id', '=', tenantId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    documents: await liveDocuments(ctx.db, tenantId),
    exchanges: await count('exchanges'), users: await count('users'), clients: await count('clients'), auditEntries: await count('audit_log'),
  };
}

async function liveDocuments(db: Ctx['db'], tenantId: string): Promise<number> {
  const r = await db.selectFrom('documents').where('tenant_id', '=', tenantId).where('deleted_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteTenant(ctx: Ctx, tenantId: string): Promise<{ tenantId: string; rows: number; blobs: number }> {
  await requireTenant(ctx.db, tenantId);
  const tables = await ctx.db.introspection.getTables();
  const known = new Set<string>([...ORDER, 'tenants']);
  const extra = tables.filter((t) => !known.has(t.name) && t.columns.some((c) => c.name === 'tenant_id')).map((t) => t.name);
  const { rows, blobKeys } = await ctx.db.transaction().execute(async (trx) => {
    // Checked inside the write transaction: an upload committing meanwhile waits for it, then fails.
    const docs = await liveDocuments(trx, tenantId);
    if (docs) {
      throw conflict(`Tenant "${tenantId}" still holds ${docs} document(s); they must be deleted in their exchanges first (see the audit log for who uploaded them)`);
    }
    const blobKeys = (await trx.selectFrom('document_versions').select('blob_key').where('tenant_id', '=', tenantId).execute()).map((r) => r.blob_key);
    let rows = 0;
    for (const table of [...extra, ...ORDER]) {
      const r = await trx.deleteFrom(table as 'audit_log').where('tenant_id', '=', tenantId).executeTakeFirst();
      rows += Number(r.numDeletedRows);
    }
    rows += Number((await trx.deleteFrom('tenants').where('id', '=', tenantId).executeTakeFirst()).numDeletedRows);
    return { rows, blobKeys };
  });
  forgetLiveTokens(ctx.db);
  // After the commit: a blob without a row is garbage, a row without its blob would be a broken document.
  for (const key of blobKeys) await ctx.blobs.delete(key);
  return { tenantId, rows, blobs: blobKeys.length };
}
