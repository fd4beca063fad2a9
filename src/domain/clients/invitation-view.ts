import type { Selectable } from 'kysely';
import type { Database } from '../../storage/db/index.js';

export interface InvitationView {
  id: string; exchangeId: string; clientId: string; email: string; displayName: string | null;
  createdBy: string; createdAt: string; expiresAt: string; usedAt: string | null; revokedAt: string | null;
  status: 'pending' | 'used' | 'expired' | 'revoked';
}

type Row = Selectable<Database['invitations']> & { email: string; display_name: string | null };

export function toInvitationView(r: Row, now = Date.now()): InvitationView {
  const status = r.revoked_at ? 'revoked' : r.used_at ? 'used' : Date.parse(r.expires_at) <= now ? 'expired' : 'pending';
  return {
    id: r.id, exchangeId: r.exchange_id, clientId: r.client_id, email: r.email, displayName: r.display_name,
    createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at, status,
  };
}
