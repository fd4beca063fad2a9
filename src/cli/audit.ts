import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { exportAudit, parseFormat } from '../domain/audit/export-audit.js';
import { verifyAudit, verifyEveryTenant, type AuditVerdict } from '../domain/audit/verify-audit.js';
import type { Ctx } from '../domain/context.js';
import { requireTenant } from '../domain/tenants/require-tenant.js';
import { AppError } from '../errors.js';
import { options, UsageError } from './index.js';

/** Exit 0 when every chain checked is intact, 1 when one is broken (with the first broken seq of each). */
export async function auditVerify(ctx: Ctx, args: string[]): Promise<number> {
  const o = options(args, { tenant: { type: 'string' }, json: { type: 'boolean' } });
  let verdicts: AuditVerdict[];
  if (o.tenant) {
    await requireTenant(ctx.db, o.tenant);
    verdicts = [await verifyAudit(ctx.db, o.tenant)];
  } else {
    verdicts = await verifyEveryTenant(ctx.db);
  }
  if (!o.json) {
    for (const v of verdicts) console.log(v.intact ? `${v.tenantId}: intact (${v.entries} entries)` : `${v.tenantId}: BROKEN at seq ${v.brokenAt ?? '-'}: ${v.reason}`);
  }
  const intact = verdicts.every((v) => v.intact);
  if (o.json) console.log(JSON.stringify({ intact, tenants: verdicts }));
  else if (!verdicts.length) console.error('No tenants.');
  return intact ? 0 : 1;
}

export async function auditExport(ctx: Ctx, args: string[]): Promise<void> {
  const o = options(args, {
    tenant: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    action: { type: 'string' }, actor: { type: 'string' }, target: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
  });
  if (!o.tenant || !o.format) throw new UsageError('--tenant and --format csv|jsonl are required');
  let format;
  try { format = parseFormat(o.format); } catch (err) { throw new UsageError((err as AppError).message.replace('"format"', '--format')); }
  await requireTenant(ctx.db, o.tenant);
  const stream = await exportAudit(ctx, o.tenant, format, { action: o.action, actor: o.actor, target: o.target, from: o.from, to: o.to }, 'operator');
  // To a file: written beside it and renamed, so a broken export never looks like a complete one.
  if (!o.out) return pipeline(stream, process.stdout, { end: false }).then(() => undefined);
  const tmp = `${o.out}.partial`;
  try {
    await pipeline(stream, fs.createWriteStream(tmp, { mode: 0o600 }));
    fs.renameSync(tmp, o.out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
