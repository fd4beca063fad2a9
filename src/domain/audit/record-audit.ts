// Append-only, hash-chained audit log (DESIGN.md): each entry's hash covers the previous entry's hash,
// so a deleted or edited row breaks the chain from there on, and `tenants.audit_head` (the newest
// entry's hash) shows a deleted tail. Written inside the caller's transaction, so an action and its
// audit entry commit together or not at all.
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Database } from '../../storage/db/index.js';
import { isPostgres, nowIso } from '../../storage/db/index.js';
import { reusableInsert, reusableQuery } from '../../storage/db/reusable-query.js';
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

// An entry is appended by every audited action (each SCIM write among them): its statements are
// built once (reusable-query.ts).
// On PostgreSQL the head is read with a row lock, so concurrent appends to one tenant's chain queue up
// instead of failing at the compare-and-set below. FOR NO KEY UPDATE, not FOR UPDATE: the transaction
// may already hold a KEY SHARE lock on the tenant row from inserting a row that references it, and two
// such transactions each upgrading to FOR UPDATE would deadlock. SQLite has no row locks (and no FOR
// clause): its write transaction (BEGIN IMMEDIATE) already excludes every other writer.
const readHead = reusableQuery((db, tenantId: string) => db.selectFrom('tenants').select('audit_head').where('id', '=', tenantId)
  .$if(isPostgres(db), (q) => q.forNoKeyUpdate()));
const insertEntry = reusableInsert('audit_log');
const moveHead = reusableQuery((db, tenantId: string, from: string, to: string) =>
  db.updateTable('tenants').set({ audit_head: to }).where('id', '=', tenantId).where('audit_head', '=', from));
const moveHeadFromGenesis = reusableQuery((db, tenantId: string, to: string) =>
  db.updateTable('tenants').set({ audit_head: to }).where('id', '=', tenantId).where('audit_head', 'is', null));

/**
 * Appends one entry after the tenant's head. Called with a transaction, it joins it; called with the
 * database (an audit-only write such as a download), it opens its own: a read of the head and the
 * insert after it must never be split, or two concurrent appends would both chain onto one entry.
 */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => recordAudit(trx, entry));
  const tenant = (await readHead(db, entry.tenantId)).rows[0];
  if (!tenant) throw new AppError('not_found', 'No such tenant');
  const row = {
    at: nowIso(), actor: entry.actor, action: entry.action, target: entry.target ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };

  const prev = tenant.audit_head ?? GENESIS;
  const hash = entryHash(prev, row);
  // exchange_id indexes the entry for the exchange's activity; it is derived from target and detail,
  // which the hash covers, so it needs no place in the hash (verifyAudit re-derives it).
  await insertEntry(db, { tenant_id: entry.tenantId, ...row, exchange_id: exchangeIdOf(row.target, entry.detail), prev_hash: prev, hash });
  // Compare-and-set, a second guard: with the lock above it always moves; were the lock ever lost, a
  // concurrent append would find the head moved and fail instead of forking the chain.
  const moved = tenant.audit_head === null ? await moveHeadFromGenesis(db, entry.tenantId, hash) : await moveHead(db, entry.tenantId, tenant.audit_head, hash);
  if (Number(moved.numAffectedRows) !== 1) throw new AppError('unavailable', 'The audit log was written concurrently; retry');
}
