import { sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { idleBefore, lastUse, touchSession } from './idle.js';

/** A provisioned member of the firm's staff, signed in by SAML. */
export interface StaffActor {
  kind: 'staff';
  tenantId: string;
  userId: string;
  userType: 'ADMIN' | 'ADVISOR';
  displayName: string;
  language: string;
  /** For an ADMIN: promoted by the tenant. Until then it is signed in but may do nothing. */
  promoted: boolean;
}

/** An external person invited to one or more exchanges, signed in with a one-time code (or TOTP). */
export interface ClientActor {
  kind: 'client';
  tenantId: string;
  clientId: string;
  email: string;
  displayName: string;
  language: string | null;
}

export type Actor = StaffActor | ClientActor;

/** How an actor is named in the audit log and in `uploaded_by` columns. */
export const principalOf = (a: Actor): string => (a.kind === 'staff' ? `user:${a.userId}` : `client:${a.clientId}`);

/** The signed-in person behind a session cookie; a session of an inactive or deleted user is worth nothing. */
export async function resolveSession(ctx: Ctx, token: string | undefined): Promise<StaffActor | undefined> {
  if (!token || token.length > 128) return undefined;
  const idHash = sha256Hex(token);
  const row = await ctx.db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as userId', 'users.tenant_id as tenantId', 'users.user_type as userType', 'users.active',
      'users.given_name', 'users.family_name', 'users.preferred_language as language', 'users.promoted'])
    .select(lastUse('sessions').as('lastUse'))
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', nowIso())
    .where(lastUse('sessions'), '>', idleBefore(ctx))
    .whereRef('sessions.tenant_id', '=', 'users.tenant_id')
    .executeTakeFirst();
  if (!row || row.active !== 1 || (row.userType !== 'ADMIN' && row.userType !== 'ADVISOR')) return undefined;
  await touchSession(ctx, 'sessions', idHash, row.lastUse);
  return {
    kind: 'staff', tenantId: row.tenantId, userId: row.userId, userType: row.userType,
    displayName: `${row.given_name} ${row.family_name}`, language: row.language, promoted: row.promoted === 1,
  };
}

export async function endSession(ctx: Ctx, token: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
}

/** The client behind a client session cookie. */
export async function resolveClientSession(ctx: Ctx, token: string | undefined): Promise<ClientActor | undefined> {
  if (!token || token.length > 128) return undefined;
  const idHash = sha256Hex(token);
  const row = await ctx.db.selectFrom('client_sessions')
    .innerJoin('clients', 'clients.id', 'client_sessions.client_id')
    .select(['clients.id', 'clients.tenant_id', 'clients.email', 'clients.display_name', 'clients.language'])
    .select(lastUse('client_sessions').as('lastUse'))
    .where('client_sessions.id_hash', '=', idHash)
    .where('client_sessions.expires_at', '>', nowIso())
    .where(lastUse('client_sessions'), '>', idleBefore(ctx))
    .whereRef('client_sessions.tenant_id', '=', 'clients.tenant_id')
    .executeTakeFirst();
  if (!row) return undefined;
  await touchSession(ctx, 'client_sessions', idHash, row.lastUse);
  return { kind: 'client', tenantId: row.tenant_id, clientId: row.id, email: row.email, displayName: row.display_name ?? row.email, language: row.language };
}

export async function endClientSession(ctx: Ctx, token: string): Promise<void> {
  await ctx.db.deleteFrom('client_sessions').where('id_hash', '=', sha256Hex(token)).execute();
}
