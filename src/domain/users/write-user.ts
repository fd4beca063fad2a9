// The one path by which SCIM writes reach the users table, shared by POST, PUT and PATCH so that
// uniqueness, mutability, ETags, session revocation and auditing are decided in one place.
import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import { AppError, conflict, invalid, notFound } from '../../errors.js';
import { etag, type Language, type ScimUser, type UserFields } from '../../scim/user-resource.js';
import { isPostgres, isUniqueViolation, nowIso, type Database } from '../../storage/db/index.js';
import { reusableInsert, reusableQuery } from '../../storage/db/reusable-query.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { fieldsToColumns, rowToUser } from './user-row.js';

// The check of a create as Entra sends it (userName and externalId), built once (reusable-query.ts).
const clashOnCreate = reusableQuery((db, tenantId: string, userNameKey: string, externalId: string) =>
  db.selectFrom('users').select(['user_name_key', 'external_id']).where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('user_name_key', '=', userNameKey), eb('external_id', '=', externalId)])));
const insertRow = reusableInsert('users');

async function uniquenessError(trx: Transaction<Database>, tenantId: string, f: UserFields, exceptId?: string) {
  const clash = exceptId === undefined && f.externalId !== undefined
    ? (await clashOnCreate(trx, tenantId, f.userName.toLowerCase(), f.externalId)).rows[0]
    : await trx.selectFrom('users').select(['user_name_key', 'external_id'])
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([
        eb('user_name_key', '=', f.userName.toLowerCase()),
        ...(f.externalId !== undefined ? [eb('external_id', '=', f.externalId)] : []),
      ]))
      .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId!))
      .executeTakeFirst();
  if (!clash) return undefined;
  return clash.user_name_key === f.userName.toLowerCase()
    ? conflict(`A user with userName "${f.userName}" already exists`, 'uniqueness')
    : conflict(`A user with externalId "${f.externalId}" already exists`, 'uniqueness');
}

/**
 * A deactivated user loses every session at once, and the exchanges it owns are marked for an admin to
 * reassign (DESIGN.md); re-enabled, it signs in with the same account and its exchanges are its own again.
 */
export async function ownerAvailabilityChanged(trx: Transaction<Database>, userId: string, available: boolean) {
  if (!available) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await trx.updateTable('exchanges').set({ needs_reassignment: available ? 0 : 1 }).where('owner_id', '=', userId).execute();
}

export async function insertUser(ctx: Ctx, tenantId: string, f: UserFields): Promise<ScimUser> {
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const clash = await uniquenessError(trx, tenantId, f);
      if (clash) throw clash;
      // The tenant's default only when the body has no language (Entra sends one as a constant mapping).
      const preferredLanguage = f.preferredLanguage ?? (await trx.selectFrom('tenants').select('default_language')
        .where('id', '=', tenantId).executeTakeFirstOrThrow()).default_language as Language;
      const now = nowIso();
      const row = {
        id: crypto.randomUUID(), tenant_id: tenantId, version: 1, promoted: 0, created_at: now, updated_at: now,
        ...fieldsToColumns({ ...f, preferredLanguage }),
      };
      await insertRow(trx, row);
      await recordAudit(trx, { tenantId, actor: 'scim', action: 'user.provision', target: `user:${row.id}`, detail: { userType: f.userType, active: f.active } });
      return rowToUser(row);
    });
  } catch (err) {
    // Two concurrent POSTs both passed the check above: the unique index decides, the loser gets 409.
    if (isUniqueViolation(err)) throw conflict(`A user with userName "${f.userName}" or externalId "${f.externalId}" already exists`, 'uniqueness');
    throw err;
  }
}

/**
 * Replaces a user's fields with what `next(current)` computes, inside one transaction.
 * `ifMatch` is honoured when sent (RFC 7644 §3.14) and never required (Entra sends none).
 */
export async function updateUser(
  ctx: Ctx, tenantId: string, id: string, ifMatch: string | undefined,
  next: (current: ScimUser) => UserFields,
): Promise<ScimUser> {
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      // Locked on PostgreSQL until the commit: two PATCHes of one user (on two instances) apply one after
      // the other instead of both building on the same version (SQLite's writer runs them in turn).
      const row = await trx.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id)
        .$if(isPostgres(trx), (q) => q.forNoKeyUpdate()).executeTakeFirst();
      if (!row) throw notFound(`User ${id} not found`);
      const current = rowToUser(row);
      if (ifMatch && ifMatch.trim() !== '*' && !ifMatch.split(',').map((s) => s.trim()).includes(etag(current.version))) {
        throw new AppError('precondition', `The user has changed (version is ${etag(current.version)})`, 'invalidVers');
      }
      const f = next(current);
      if (f.userName.toLowerCase() !== current.userName.toLowerCase()) {
        throw invalid('userName cannot be changed after creation', 'mutability');
      }
      const clash = await uniquenessError(trx, tenantId, f, id);
      if (clash) throw clash;
      const updated = {
        ...row, ...fieldsToColumns({ ...f, userName: current.userName, preferredLanguage: f.preferredLanguage ?? current.preferredLanguage }),
        // A promotion belongs to the admin role: it ends when Entra takes the role away.
        promoted: f.userType === 'ADMIN' ? row.promoted : 0,
        version: row.version + 1, updated_at: nowIso(),
      };
      await trx.updateTable('users').set(updated).where('id', '=', id).execute();
      if (current.active !== f.active) await ownerAvailabilityChanged(trx, id, f.active);
      const action = current.active === f.active ? 'user.update' : f.active ? 'user.activate' : 'user.deactivate';
      await recordAudit(trx, { tenantId, actor: 'scim', action, target: `user:${id}` });
      return rowToUser(updated);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('externalId is already used by another user', 'uniqueness');
    throw err;
  }
}
