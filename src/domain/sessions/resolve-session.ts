import { sha256Hex } from '../../storage/crypto/passwords.js';
import { nowIso } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';

export interface Actor {
  tenantId: string;
  userId: string;
  userType: 'ADMIN' | 'ADVISOR';
  displayName: string;
  language: string;
  /** For an ADMIN: promoted by the tenant. Until then it is signed in but may do nothing. */
  promoted: boolean;
}

/** The signed-in person behind a session cookie; a session of an inactive or deleted user is worth nothing. */
export async function resolveSession(ctx: Ctx, token: string | undefined): Promise<Actor | undefined> {
  if (!token || token.length > 128) return undefined;
  const row = await ctx.db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as userId', 'users.tenant_id as tenantId', 'users.user_type as userType', 'users.active',
      'users.given_name', 'users.family_name', 'users.preferred_language as language', 'users.promoted'])
    .where('sessions.id_hash', '=', sha256Hex(token))
    .where('sessions.expires_at', '>', nowIso())
    .whereRef('sessions.tenant_id', '=', 'users.tenant_id')
    .executeTakeFirst();
  if (!row || row.active !== 1 || !row.userType) return undefined;
  return {
    tenantId: row.tenantId, userId: row.userId, userType: row.userType as Actor['userType'],
    displayName: `${row.given_name} ${row.family_name}`, language: row.language, promoted: row.promoted === 1,
  };
}

export async function endSession(ctx: Ctx, token: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
}
