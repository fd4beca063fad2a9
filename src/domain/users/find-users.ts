import { notFound } from '../../errors.js';
import { parseFilter } from '../../scim/filter.js';
import type { ScimUser } from '../../scim/user-resource.js';
import type { Ctx } from '../context.js';
import { reusableQuery } from '../../storage/db/reusable-query.js';
import { filterToSql, userNameEquality } from './filter-sql.js';
import { rowToUser } from './user-row.js';

export async function getUser(ctx: Ctx, tenantId: string, id: string): Promise<ScimUser> {
  const row = await ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`User ${id} not found`);
  return rowToUser(row);
}

// The page query below for `userName eq "…"`, built once per page size and offset (reusable-query.ts):
// the same SQL. Page size and offset are values of the build, not placeholders, so that SQLite's
// compiler writes them into the SQL (sqlite-compiler.ts). Entra always asks with the same ones; a
// few more are kept for other clients.
const pagesByUserName = new Map<string, ReturnType<typeof pageByUserNameQuery>>();
const pageByUserNameQuery = (limit: number, offset: number) => reusableQuery((db, tenantId: string, userNameKey: string) =>
  db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('user_name_key', '=', userNameKey)
    .orderBy('created_at').orderBy('id').limit(limit).offset(offset));
function pageByUserName(limit: number, offset: number) {
  const key = `${limit}/${offset}`;
  let q = pagesByUserName.get(key);
  if (!q) {
    if (pagesByUserName.size >= 32) pagesByUserName.clear();
    pagesByUserName.set(key, q = pageByUserNameQuery(limit, offset));
  }
  return q;
}

/** A page of users matching a SCIM filter; stable order (creation, then id) so paging never skips or repeats. */
export async function listUsers(
  ctx: Ctx, tenantId: string, q: { filter?: string; startIndex: number; count: number },
): Promise<{ total: number; users: ScimUser[] }> {
  const filter = q.filter ? parseFilter(q.filter) : undefined;
  // Built only when used: Entra's lookup needs neither (building it costs as much as running it).
  const base = () => ctx.db.selectFrom('users').where('tenant_id', '=', tenantId)
    .$if(filter !== undefined, (qb) => qb.where((eb) => filterToSql(eb, filter!)));
  const userNameKey = filter && userNameEquality(filter);
  const rows = q.count === 0 ? []
    : userNameKey !== undefined ? (await pageByUserName(q.count, q.startIndex - 1)(ctx.db, tenantId, userNameKey)).rows
      : await base().selectAll().orderBy('created_at').orderBy('id').limit(q.count).offset(q.startIndex - 1).execute();
  // A first page that is not full holds every match: Entra's lookups (0 or 1 hit) need no count.
  const total = q.startIndex === 1 && rows.length < q.count
    ? rows.length
    : Number((await base().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total);
  return { total, users: rows.map(rowToUser) };
}
