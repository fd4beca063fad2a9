// The tenant's people as the console lists them: filtered (user type, active, a search), paged, in a
// stable order (userName, then id), one indexed query per page, never a tenant in memory.
import { sql, type SqlBool } from 'kysely';
import { notFound } from '../../errors.js';
import type { Ctx } from '../context.js';

export interface PersonView {
  id: string; userName: string; displayName: string; email: string; userType: string | null; active: boolean; promoted: boolean;
}

export interface PersonDetail extends PersonView {
  externalId: string | null; givenName: string; familyName: string; mobile: string | null; preferredLanguage: string;
  /** An ADMIN not promoted yet: signed in, but may do nothing. */
  promotionPending: boolean; createdAt: string; updatedAt: string;
  exchangesOwned: number; exchangesNeedingReassignment: number;
}

export interface PeopleQuery { userType?: string; active?: boolean; q?: string; startIndex?: number; count?: number }

/** `%`, `_` and the escape character itself match literally. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

type Row = { id: string; user_name: string; given_name: string; family_name: string; display_name: string | null; email: string; user_type: string | null; active: number; promoted: number };
const view = (r: Row): PersonView => ({
  id: r.id, userName: r.user_name, displayName: r.display_name ?? `${r.given_name} ${r.family_name}`, email: r.email,
  userType: r.user_type, active: r.active === 1, promoted: r.promoted === 1,
});

export async function listPeople(ctx: Ctx, tenantId: string, q: PeopleQuery): Promise<{ total: number; items: PersonView[] }> {
  // lower() + LIKE, the same on SQLite and PostgreSQL (ILIKE is PostgreSQL's only).
  const needle = q.q ? `%${escapeLike(q.q.toLowerCase())}%` : undefined;
  const base = ctx.db.selectFrom('users').where('tenant_id', '=', tenantId)
    .$if(q.userType !== undefined, (b) => b.where('user_type', '=', q.userType!))
    .$if(q.active !== undefined, (b) => b.where('active', '=', q.active ? 1 : 0))
    .$if(needle !== undefined, (b) => b.where(sql<SqlBool>`(user_name_key like ${needle} escape '\\'
      or lower(given_name || ' ' || family_name) like ${needle} escape '\\'
      or lower(coalesce(display_name, '')) like ${needle} escape '\\'
      or lower(email) like ${needle} escape '\\')`));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const start = q.startIndex ?? 1;
  const rows = q.count === 0 ? [] : await base.selectAll().orderBy('user_name_key').orderBy('id')
    .$if(q.count !== undefined, (b) => b.limit(q.count!).offset(start - 1)).execute();
  return { total: Number(total), items: rows.map(view) };
}

export async function getPerson(ctx: Ctx, tenantId: string, id: string): Promise<PersonDetail> {
  const r = await ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('No such user in this tenant');
  const owned = await ctx.db.selectFrom('exchanges').where('tenant_id', '=', tenantId).where('owner_id', '=', id)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('needs_reassignment').as('reassign')]).executeTakeFirstOrThrow();
  return {
    ...view(r), externalId: r.external_id, givenName: r.given_name, familyName: r.family_name, mobile: r.mobile,
    preferredLanguage: r.preferred_language, promotionPending: r.user_type === 'ADMIN' && r.promoted !== 1,
    createdAt: r.created_at, updatedAt: r.updated_at, exchangesOwned: Number(owned.n), exchangesNeedingReassignment: Number(owned.reassign ?? 0),
  };
}
