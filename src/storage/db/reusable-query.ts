// Queries that run on every SCIM request, built and compiled by Kysely once instead of at every call.
// Their shape is fixed and only their values change; Kysely's building and compiling cost ~10–20 µs
// per query, as much as SQLite's running it. The builder receives placeholders where values go; each
// call binds its arguments in their place.
import type { Compilable, CompiledQuery, Insertable, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Stands where an argument's value goes; found again among the compiled parameters. */
class Slot {
  constructor(readonly index: number) {}
}

type AnyDb = Kysely<Database>;
type Cache = WeakMap<object, Map<string, CompiledQuery>>;

/** Compiled per dialect (keyed by the adapter, which a database's transactions share) and per shape. */
function compiledFor(cache: Cache, db: AnyDb, shape: string, arity: number, build: (slots: Slot[]) => Compilable<unknown>): CompiledQuery {
  const adapter = db.getExecutor().adapter;
  let shapes = cache.get(adapter);
  if (!shapes) cache.set(adapter, shapes = new Map());
  let query = shapes.get(shape);
  if (!query) {
    query = build(Array.from({ length: arity }, (_, i) => new Slot(i))).compile();
    const bound = new Set(query.parameters.filter((p): p is Slot => p instanceof Slot).map((s) => s.index));
    if (bound.size !== arity) throw new Error(`reusable query: ${arity - bound.size} placeholder(s) not bound as values in: ${query.sql}`);
    shapes.set(shape, query);
  }
  return query;
}

function run<R>(db: AnyDb, query: CompiledQuery, value: (index: number) => unknown): Promise<QueryResult<R>> {
  return db.executeQuery<R>({ ...query, parameters: query.parameters.map((p) => (p instanceof Slot ? value(p.index) : p)) } as CompiledQuery<R>);
}

/**
 * `build(db, ...placeholders)` must hand each placeholder to Kysely as a plain value (a comparison's
 * operand, a value to set, a limit), never to JavaScript logic that would look at it.
 */
export function reusableQuery<A extends unknown[], R>(build: (db: AnyDb, ...args: A) => Compilable<R>) {
  const cache: Cache = new WeakMap();
  const arity = build.length - 1;
  return (db: AnyDb, ...args: A): Promise<QueryResult<R>> =>
    run<R>(db, compiledFor(cache, db, '', arity, (slots) => build(db, ...(slots as unknown as A))), (i) => args[i]);
}

/**
 * `insertInto(table).values(row)` for one row, compiled once per set of columns. Like Kysely, a column
 * whose value is undefined is left out (the database's default applies).
 */
export function reusableInsert<T extends keyof Database & string>(table: T) {
  const cache: Cache = new WeakMap();
  return (db: AnyDb, row: Insertable<Database[T]>): Promise<QueryResult<never>> => {
    const values = row as Record<string, unknown>;
    const columns = Object.keys(values).filter((c) => values[c] !== undefined);
    const query = compiledFor(cache, db, columns.join(','), columns.length, (slots) =>
      db.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, slots[i]])) as Insertable<Database[T]>));
    return run<never>(db, query, (i) => values[columns[i]!]);
  };
}
