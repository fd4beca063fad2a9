// Queries that run on every SCIM request, built and compiled by Kysely once instead of at every call.
// Their shape is fixed and only their values change; Kysely's building and compiling cost ~10–20 µs
// per query, as much as SQLite's running it. The builder receives placeholders where values go; each
// call binds its arguments in their place.
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Stands where an argument's value goes; found again among the compiled parameters. */
class Slot {
  constructor(readonly index: number) {}
}

type AnyDb = Kysely<Database>;

/**
 * `build(db, ...placeholders)` must pass each placeholder to Kysely as a plain value (a comparison's
 * operand, an inserted value, a limit), never into JavaScript logic that would look at it.
 */
export function reusableQuery<A extends unknown[], R>(build: (db: AnyDb, ...args: A) => Compilable<R>) {
  const arity = build.length - 1;
  // Compiled per dialect: keyed by the adapter, which a database's transactions share.
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return (db: AnyDb, ...args: A): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
      query = build(db, ...(slots as unknown as A)).compile();
      const bound = new Set(query.parameters.filter((p): p is Slot => p instanceof Slot).map((s) => s.index));
      if (bound.size !== arity) throw new Error(`reusableQuery: ${arity - bound.size} placeholder(s) not bound as values in: ${query.sql}`);
      compiled.set(adapter, query);
    }
    return db.executeQuery<R>({ ...query, parameters: query.parameters.map((p) => (p instanceof Slot ? args[p.index] : p)) });
  };
}
