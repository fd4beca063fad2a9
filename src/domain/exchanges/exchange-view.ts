import type { ExchangeRow } from './exchange-access.js';
import { effectiveState, type ExchangeState, type Relation } from '../../policies/exchange-policy.js';

export interface PersonRef { id: string; displayName: string | null; active: boolean }

export interface ExchangeView {
  id: string; title: string;
  /** As stored: open, closed or archived. */
  state: string;
  /** As it behaves: an open exchange past its expiry is closed. */
  effectiveState: ExchangeState;
  ownerId: string; expiresAt: string | null;
  /** The owner was deactivated or deleted: an admin has to hand the exchange to another advisor. */
  needsReassignment: boolean;
  shareClientNames: boolean;
  createdAt: string; updatedAt: string;
  /** The caller's relation to it: owner, deputy, admin or client. */
  relation?: Relation;
  /** For staff: the owner (displayName null once the user was deleted) and the deputies. */
  owner?: PersonRef;
  deputies?: PersonRef[];
}

export function toExchangeView(row: ExchangeRow, relation?: Relation): ExchangeView {
  return {
    id: row.id, title: row.title, state: row.state, effectiveState: effectiveState(row), ownerId: row.owner_id, expiresAt: row.expires_at,
    needsReassignment: row.needs_reassignment === 1, shareClientNames: row.share_client_names === 1,
    createdAt: row.created_at, updatedAt: row.updated_at, ...(relation ? { relation } : {}),
  };
}
