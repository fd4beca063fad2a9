// Translates a SCIM filter AST into a Kysely WHERE expression, so a filtered list is one indexed query
// and never an in-memory scan of a tenant. Multi-valued attributes map onto the single element each
// user keeps (the work email, the mobile number): `type` and `primary` are constants per attribute.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { invalid } from '../../errors.js';
import type { CompareOp, Filter, Value } from '../../scim/filter.js';
import type { Database } from '../../storage/db/index.js';

type EB = ExpressionBuilder<Database, 'users'>;
type Column = keyof Database['users'];
interface Attr { column: Column; type: 'string' | 'boolean' | 'datetime'; caseExact?: boolean }

const SCALARS: Record<string, Attr> = {
  id: { column: 'id', type: 'string', caseExact: true },
  username: { column: 'user_name_key', type: 'string' },
  externalid: { column: 'external_id', type: 'string', caseExact: true },
  active: { column: 'active', type: 'boolean' },
  displayname: { column: 'display_name', type: 'string' },
  'name.givenname': { column: 'given_name', type: 'string' },
  'name.familyname': { column: 'family_name', type: 'string' },
  'name.formatted': { column: 'formatted_name', type: 'string' },
  preferredlanguage: { column: 'preferred_language', type: 'string' },
  usertype: { column: 'user_type', type: 'string' },
  'meta.created': { column: 'created_at', type: 'datetime' },
  'meta.lastmodified': { column: 'updated_at', type: 'datetime' },
};

interface MultiValued { value: Column; constants: Record<string, string | boolean> }
const MULTI: Record<string, MultiValued> = {
  emails: { value: 'email', constants: { type: 'work', primary: true } },
  phonenumbers: { value: 'mobile', constants: { type: 'mobile' } },
};

/** Own properties only: a path such as "constructor" must not find Object.prototype's. */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;
const CORE_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:user:';

function constantCompare(actual: string | boolean, op: CompareOp, expected: Value): boolean {
  if (typeof actual === 'boolean') {
    const e = typeof expected === 'string' ? expected.toLowerCase() === 'true' : expected;
    return op === 'eq' ? actual === e : op === 'ne' ? actual !== e : false;
  }
  const a = actual.toLowerCase(), e = String(expected).toLowerCase();
  switch (op) {
    case 'eq': return a === e; case 'ne': return a !== e; case 'co': return a.includes(e);
    case 'sw': return a.startsWith(e); case 'ew': return a.endsWith(e);
    case 'gt': return a > e; case 'ge': return a >= e; case 'lt': return a < e; case 'le': return a <= e;
  }
}

/**
 * co/sw/ew with functions both dialects share (replace, substr, length), not LIKE: SQLite's LIKE
 * ignores ASCII case and PostgreSQL's does not, so a caseExact attribute (id, externalId) would match
 * differently; and no wildcard needs escaping. Case-insensitive attributes are lowered on both sides
 * before they get here (SQLite's lower() is JavaScript's, see openSqlite, as PostgreSQL's is Unicode).
 */
function substringTest(eb: EB, lhs: Expression<unknown>, op: 'co' | 'sw' | 'ew', rhs: string): Expression<SqlBool> {
  // Every string contains, starts and ends with "" (and replace() of "" changes nothing on either).
  if (rhs === '') return eb(lhs, 'is not', null);
  // Removing every occurrence changes the value exactly when it occurs.
  if (op === 'co') return sql<SqlBool>`replace(${lhs}, ${rhs}, '') <> ${lhs}`;
  // Lengths in code points, as both dialects count a text's characters.
  const n = [...rhs].length;
  if (op === 'sw') return sql<SqlBool>`substr(${lhs}, 1, ${n}) = ${rhs}`;
  // From where a suffix as long as rhs starts; a shorter value yields a shorter string, never equal.
  return sql<SqlBool>`substr(${lhs}, length(${lhs}) - ${n} + 1) = ${rhs}`;
}

function compareColumn(eb: EB, attr: Attr, op: CompareOp, value: Value): Expression<SqlBool> {
  const col = eb.ref(attr.column);
  if (value === null) {
    if (op === 'eq') return eb(col, 'is', null);
    if (op === 'ne') return eb(col, 'is not', null);
    throw invalid(`Operator "${op}" cannot compare with null`, 'invalidFilter');
  }
  if (attr.type === 'boolean') {
    const b = typeof value === 'boolean' ? value : typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
    if (b === undefined || (op !== 'eq' && op !== 'ne')) throw invalid(`"${attr.column}" compares only with eq/ne and true/false`, 'invalidFilter');
    return eb(col, op === 'eq' ? '=' : '<>', b ? 1 : 0);
  }
  if (typeof value !== 'string') throw invalid(`A string value is expected for this attribute`, 'invalidFilter');
  // Years outside 1–9999 would compare wrongly as ISO strings ("+275760-…" sorts before "2026-…").
  const year = attr.type === 'datetime' ? new Date(value).getUTCFullYear() : 0;
  if (attr.type === 'datetime' && !(year >= 1 && year <= 9999)) throw invalid(`"${value}" is not a date-time in years 1 to 9999`, 'invalidFilter');
  const v = attr.type === 'datetime' ? new Date(value).toISOString() : value;
  // userName's column is already lower-cased; other caseExact=false attributes are lowered on both sides.
  const lhs = attr.caseExact || attr.type === 'datetime' || attr.column === 'user_name_key' ? col : eb.fn('lower', [col]);
  const rhs = attr.caseExact || attr.type === 'datetime' ? v : v.toLowerCase();
  switch (op) {
    case 'eq': return eb(lhs, '=', rhs);
    case 'ne': return eb.or([eb(lhs, '<>', rhs), eb(col, 'is', null)]);
    case 'gt': return eb(lhs, '>', rhs);
    case 'ge': return eb(lhs, '>=', rhs);
    case 'lt': return eb(lhs, '<', rhs);
    case 'le': return eb(lhs, '<=', rhs);
    case 'co': case 'sw': case 'ew': return substringTest(eb, lhs, op, rhs);
  }
}

function stripCore(path: string) {
  return path.startsWith(CORE_PREFIX) ? path.slice(CORE_PREFIX.length) : path;
}

function leaf(eb: EB, rawPath: string, test: { op: CompareOp; value: Value } | 'present', within?: string): Expression<SqlBool> {
  const path = stripCore(within ? `${within}.${rawPath}` : rawPath);
  const dot = path.indexOf('.');
  const multi = own(MULTI, dot < 0 ? path : path.slice(0, dot));
  if (multi) {
    const sub = dot < 0 ? 'value' : path.slice(dot + 1);
    if (sub === 'value') {
      const attr: Attr = { column: multi.value, type: 'string' };
      return test === 'present' ? eb(eb.ref(multi.value), 'is not', null) : compareColumn(eb, attr, test.op, test.value);
    }
    const constant = own(multi.constants, sub);
    if (constant === undefined) return FALSE;
    return test === 'present' || constantCompare(constant, test.op, test.value) ? TRUE : FALSE;
  }
  const attr = own(SCALARS, path);
  if (!attr) {
    // Unknown attribute (RFC 7644 §3.4.2.2): a 400 rather than silently matching nothing.
    throw invalid(`Filtering on "${rawPath}" is not supported`, 'invalidFilter');
  }
  return test === 'present' ? eb(eb.ref(attr.column), 'is not', null) : compareColumn(eb, attr, test.op, test.value);
}

/**
 * The user_name_key a filter of exactly `userName eq "…"` selects (what filterToSql makes of it: the
 * column is lower-cased, so is the value), or undefined for any other filter. Entra sends this filter
 * before every create, so it gets a prebuilt query.
 */
export function userNameEquality(f: Filter): string | undefined {
  return f.kind === 'compare' && f.path === 'username' && f.op === 'eq' && typeof f.value === 'string' ? f.value.toLowerCase() : undefined;
}

export function filterToSql(eb: EB, f: Filter, within?: string): Expression<SqlBool> {
  switch (f.kind) {
    case 'and': return eb.and([filterToSql(eb, f.left, within), filterToSql(eb, f.right, within)]);
    case 'or': return eb.or([filterToSql(eb, f.left, within), filterToSql(eb, f.right, within)]);
    case 'not': return eb.not(filterToSql(eb, f.filter, within));
    case 'present': return leaf(eb, f.path, 'present', within);
    case 'compare': return leaf(eb, f.path, { op: f.op, value: f.value }, within);
    case 'valuePath': {
      if (within || !own(MULTI, stripCore(f.attr))) throw invalid(`"${f.attr}[…]" is not a multi-valued attribute`, 'invalidFilter');
      return filterToSql(eb, f.filter, stripCore(f.attr));
    }
  }
}
