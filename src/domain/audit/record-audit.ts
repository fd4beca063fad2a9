// Append-only, hash-chained audit log (DESIGN.md): each entry's hash covers the previous entry's hash,
// so a deleted or edited row breaks the chain from there on, and `tenants.audit_head` (the newest
// entry's hash) shows a deleted tail. Written inside the caller's transaction, so an action and its
// audit entry commit together or not at all.
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';
import { nowIso } from '../../storage/db/index.js';
import { exchangeIdOf } from './exchange-of-entry.js';

export interface AuditEntry {
  tenantId: string;
  /** "user:<id>", "client:<id>", "tenant", "scim", "operator", "anonymous". */
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
}

export const GENESIS = '0'.repeat(64);

export function entryHash(prev: string, e: { at: string; actor: string; action: string; target: string | null; detail: string | null }) {
  return crypto.createHash('sha256')
    .update(JSON.stringify([prev, e.at, e.actor, e.action, e.target, e.detail]))
    .digest('hex');
}

/**
 * Appends one entry after the tenant's head. Called with a transaction, it joins it; called with the
 * database (an audit-only write such as a download), it opens its own: a read of the head and the
 * insert after it must never be split, or two concurrent appends would both chain onto one entry.
 */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => recordAudit(trx, entry));
  const tenant = await db.selectFrom('tenants').select('audit_head').where('id', '=', entry.tenantId).executeTakeFirst();
  if (!tenant) throw new AppError('not_found', 'No such tenant');
  const row = {
    at: nowIso(), actor: entry.actor, action: entry.action, target: entry.target ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };

  const prev = tenant.audit_head ?? GENESIS;
  const hash = entryHash(prev, row);
  // exchange_id indexes the entry for the exchange's activity; it is derived from target and detail,
  // which the hash covers, so it needs no place in the hash (verifyAudit re-derives it).
  await db.insertInto('audit_log').values({
    tenant_id: entry.tenantId, ...row, exchange_id: exchangeIdOf(row.target, entry.detail), prev_hash: prev, hash,
  }).execute();
  // Compare-and-set: on SQLite the write transaction (BEGIN IMMEDIATE) already excludes any other
  // writer; on PostgreSQL a concurrent append that read the same head blocks on this row and then
  // finds the head moved, so its transaction fails instead of forking the chain.
  const moved = await db.updateTable('tenants').set({ audit_head: hash }).where('id', '=', entry.tenantId)
    .where((eb) => (tenant.audit_head === null ? eb('audit_head', 'is', null) : eb('audit_head', '=', tenant.audit_head)))
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new AppError('unavailable', 'The audit log was written concurrently; retry');
}
