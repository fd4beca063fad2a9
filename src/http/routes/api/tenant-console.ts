// The tenant console beyond sign-in: overview and settings, password, TOTP, and the audit log.
import type { FastifyInstance } from 'fastify';
import { exportAudit, exportFileName, parseFormat } from '../../../domain/audit/export-audit.js';
import { readAudit, type AuditFilter } from '../../../domain/audit/read-audit.js';
import type { Ctx } from '../../../domain/context.js';
import { changeTenantPassword } from '../../../domain/tenants/change-password.js';
import { readTenantSettings, tenantOverview, updateTenantSettings } from '../../../domain/tenants/tenant-settings.js';
import { confirmTenantTotp, disableTenantTotp, enrollTenantTotp } from '../../../domain/tenants/tenant-totp.js';
import { sessionToken, TENANT_COOKIE } from '../../session-cookie.js';
import { tenantOf } from './index.js';
import { MAX_PAGE, oneValue, pageNumber, type LogQuery } from './tenant.js';

type Body = Record<string, unknown>;
const bodyOf = (b: unknown): Body => (typeof b === 'object' && b !== null && !Array.isArray(b) ? b as Body : {});
const tags = ['tenant'];

function auditFilter(q: LogQuery['Querystring']): AuditFilter {
  return { action: oneValue(q, 'action'), actor: oneValue(q, 'actor'), target: oneValue(q, 'target'), from: oneValue(q, 'from'), to: oneValue(q, 'to') };
}

export async function tenantConsoleRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get('/tenant', { schema: { tags, summary: 'The tenant and the values for Entra ID (never the Secret Token)' } }, async (req) =>
    tenantOverview(ctx, tenantOf(req)));

  app.get('/tenant/settings', { schema: { tags, summary: 'The tenant\'s settings' } }, async (req) => readTenantSettings(ctx, tenantOf(req)));
  app.patch('/tenant/settings', { schema: { tags, summary: 'Changes settings: {"defaultLanguage": "EN|DE|FR|IT"}' } }, async (req) =>
    updateTenantSettings(ctx, tenantOf(req), req.body));

  app.post('/tenant/password', { schema: { tags, summary: 'Changes the password; every other console session ends' } }, async (req) => {
    const tenantId = tenantOf(req);
    const b = bodyOf(req.body);
    return changeTenantPassword(ctx, tenantId, sessionToken(req, TENANT_COOKIE), b.currentPassword, b.newPassword);
  });

  app.post('/tenant/totp/enroll', { schema: { tags, summary: 'Starts TOTP enrolment: a secret and its otpauth URI (shown once)' } }, async (req) =>
    enrollTenantTotp(ctx, tenantOf(req)));
  app.post('/tenant/totp/confirm', { schema: { tags, summary: 'Confirms enrolment with a first code; sign-ins then need a code' } }, async (req) =>
    confirmTenantTotp(ctx, tenantOf(req), bodyOf(req.body).code));
  app.delete('/tenant/totp', { schema: { tags, summary: 'Turns TOTP off (password and a current code)' } }, async (req) => {
    const tenantId = tenantOf(req);
    const b = bodyOf(req.body);
    return disableTenantTotp(ctx, tenantId, b.password, b.code);
  });

  // Newest first; ?action (or a dotted prefix), ?actor, ?target, ?from, ?to (ISO), ?startIndex, ?count (≤ 500).
  app.get<LogQuery>('/tenant/audit', { schema: { tags, summary: 'The audit log, newest first, filtered and paged' } }, async (req) => {
    const tenantId = tenantOf(req);
    const startIndex = pageNumber(oneValue(req.query, 'startIndex'), 'startIndex', 1, 1, 2 ** 31);
    const count = pageNumber(oneValue(req.query, 'count'), 'count', 100, 0, MAX_PAGE);
    const { total, items } = await readAudit(ctx, tenantId, auditFilter(req.query), { startIndex, count });
    return { total, startIndex, count: items.length, items };
  });

  // ?format=csv|jsonl and the same filters; oldest first (chain order), streamed.
  app.get<LogQuery>('/tenant/audit/export', { schema: { tags, summary: 'Exports the audit log as CSV or JSON lines (streamed)' } }, async (req, reply) => {
    const tenantId = tenantOf(req);
    const format = parseFormat(oneValue(req.query, 'format') ?? 'jsonl');
    const stream = await exportAudit(ctx, tenantId, format, auditFilter(req.query), 'tenant');
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFileName(tenantId, format)}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}
