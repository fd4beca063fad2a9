import type { ExchangeRow } from './exchange-access.js';
import type { Relation } from '../../policies/exchange-policy.js';

export interface ExchangeView {
  id: string; title: string; state: string; ownerId: string; expiresAt: string | null;
  /** The owner was deactivated or deleted: an admin has to hand the exchange to another advisor. */
  needsReassignment: boolean;
  shareClientNames: boolean;
  createdAt: string; updatedAt: string;
  /** The caller's relation to it: owner, deputy, admin or client. */
  relation?: Relation;
}

export function toExchangeView(row: ExchangeRow, relation?: Relation): ExchangeView {
  return {
    id: row.id, title: row.title, state: row.state, ownerId: row.owner_id, expiresAt: row.expires_at,
    needsReassignment: row.needs_reassignment === 1, shareClientNames: row.share_client_names === 1,
    createdAt: row.created_at, updatedAt: row.updated_at, ...(relation ? { relation } : {}),
  };
}
