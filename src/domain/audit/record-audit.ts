// Append-only, hash-chained audit log (DESIGN.md): each entry's hash covers the previous entry's hash,
// so a deleted or edited row breaks the chain from there on. Written inside the caller's transaction,
// so an action and its audit entry commit together or not at all.
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/db/index.js';
import { nowIso } from '../../storage/db/index.js';
import { exchangeIdOf } from './exchange-of-entry.js';

export interface AuditEntry {
  tenantId: string;
  /** "user:<id>", "tenant", "scim", "operator", "anonymous". */
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

export function entryHash(prev: string, e: { at: string; actor: string; action: string; target: string | null; detail: string | null }) {
  return crypto.createHash('sha256')
    .update(JSON.stringify([prev, e.at, e.actor, e.action, e.target, e.detail]))
    .digest('hex');
}

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  const last = await db.selectFrom('audit_log').select('hash').where('tenant_id', '=', entry.tenantId)
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row = {
    at: nowIso(), actor: entry.actor, action: entry.action, target: entry.target ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
  const prev = last?.hash ?? GENESIS;
  // exchange_id indexes the entry for the exchange's activity; it is derived from target and detail,
  // which the hash covers, so it needs no place in the hash (verifyAudit re-derives it).
  await db.insertInto('audit_log').values({
    tenant_id: entry.tenantId, ...row, exchange_id: exchangeIdOf(row.target, entry.detail), prev_hash: prev, hash: entryHash(prev, row),
  }).execute();
}

/**
 * Re-computes the chain; returns the seq of the first broken entry, or null when intact. An entry whose
 * exchange_id is not what its (hashed) target and detail say was edited too: it would hide the entry
 * from its exchange's activity or show it in another's.
 */
export async function verifyAudit(db: Kysely<Database>, tenantId: string): Promise<number | null> {
  const rows = await db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).orderBy('seq').execute();
  let prev = GENESIS;
  for (const r of rows) {
    if (r.prev_hash !== prev || entryHash(prev, r) !== r.hash || r.exchange_id !== exchangeIdOf(r.target, r.detail)) return r.seq;
    prev = r.hash;
  }
  return null;
}
