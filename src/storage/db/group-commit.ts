// SQLite only: on PostgreSQL (DATABASE_URL) Kysely's own PostgresDialect runs ordinary pooled
// transactions, which the callers use through the same transaction().execute() (see openPostgres).
//
// Kysely driver for better-sqlite3 with group commit: write transactions that arrive while another
// one is open share one BEGIN IMMEDIATE … COMMIT, so a burst of SCIM creates costs one fsync instead
// of one each. Nothing is acknowledged before the COMMIT that carries it is on disk: after COMMIT the
// WAL file is flushed on a libuv thread (wal-flusher.ts) while the event loop goes on, and the next
// group may already run. Reads outside transactions see committed data and never wait behind a
// writer: they run on the writing connection while it has no transaction open, else on a second,
// query-only connection. Such a read may see a commit whose flush is still under way (a few ms);
// its writer is answered only once the flush is done, and a write that builds on it is flushed with
// or after it, so a power cut can undo only what nobody was told was stored.
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from 'kysely';
import { CompiledQuery as Compiled, SelectQueryNode } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { WalFlusher } from './wal-flusher.js';

/** Hands out the writing connection in arrival order. */
class Mutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];
  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  unlock() {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}

/** One outer transaction; everyone who used it waits for its COMMIT. */
class Group {
  readonly durable: Promise<void>;
  settle!: (err?: unknown) => void;
  constructor() {
    this.durable = new Promise<void>((resolve, reject) => { this.settle = (err) => (err === undefined ? resolve() : reject(err)); });
    // A controlled transaction does not await its release, so nobody may be listening: never unhandled.
    this.durable.catch(() => undefined);
  }
}

/** A connection with its prepared statements kept by SQL. */
export interface Conn { sqlite: SQLite.Database; prepare(sql: string): SQLite.Statement }

/** One use of the database as Kysely sees it: a query, or a transaction from BEGIN to COMMIT. */
class Lease implements DatabaseConnection {
  holdsWriter = false;
  inTransaction = false;
  /** The group this use wrote or read in: its answer waits until that group is durable. */
  group: Group | undefined;
  /** It wrote in autocommit mode, outside any group: its answer waits for a flush of the WAL. */
  wroteAlone = false;
  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, q);
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    const conn = this.inTransaction ? this.driver.writer : this.driver.reader;
    for (const row of conn.prepare(q.sql).iterate(q.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/**
 * Each Kysely transaction runs as SAVEPOINT … RELEASE inside the open outer transaction, one after the
 * other on the writing connection, so each reads everything written before it — the uniqueness
 * checks, the audit chain's head — and a failing one rolls back only its own savepoint (all or nothing
 * per request). The outer COMMIT runs once the transactions queued for the writer have run
 * (setImmediate: the requests that arrived in this turn of the event loop have joined by then). Every
 * transaction of the group — also one that failed, such as a 409 resting on a row of the group — is
 * answered only after that COMMIT; if it fails, all of them fail.
 *
 * The outer transaction starts with BEGIN IMMEDIATE instead of a deferred BEGIN. A deferred
 * transaction takes its snapshot at its first read and its write lock only at its first write; when
 * another process (the CLI next to the server) commits in between, the upgrade fails with
 * SQLITE_BUSY_SNAPSHOT, which busy_timeout does not retry. Worse, a read-then-write such as the audit
 * chain (read the last hash, append after it) must not read a hash another process is about to
 * supersede. IMMEDIATE takes the write lock at BEGIN (waiting up to busy_timeout), so every
 * transaction reads the latest committed state and commits after it.
 *
 * Kysely's controlled transactions (startTransaction) do not await the connection's release, so they
 * would not wait for the COMMIT: the code base uses transaction().execute() only.
 */
export class GroupCommitDriver implements Driver {
  private readonly mutex = new Mutex();
  private openGroup: Group | undefined;
  private commitScheduled = false;

  constructor(readonly writer: Conn, readonly reader: Conn, private readonly wal: WalFlusher) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this);
  }

  async execute<R>(lease: Lease, q: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.writer.prepare(q.sql);
    // Outside a transaction, a read-only statement reads the committed state: on the writing
    // connection when it has no transaction open (its page cache stays warm; the reading connection's
    // is dropped whenever the writer commits), else on the reading connection.
    if (!lease.inTransaction && stmt.readonly) {
      const rows = this.writer.sqlite.inTransaction ? this.reader.prepare(q.sql).all(q.parameters as unknown[]) : stmt.all(q.parameters as unknown[]);
      return { rows: rows as R[] };
    }
    if (!lease.holdsWriter) {
      await this.mutex.lock();
      lease.holdsWriter = true;
    }
    if (!this.openGroup && !lease.inTransaction && !stmt.readonly) lease.wroteAlone = true;
    return this.run<R>(lease, stmt, q.parameters);
  }

  private run<R>(lease: Lease, stmt: SQLite.Statement, parameters: readonly unknown[]): QueryResult<R> {
    // An autocommit write while a group is open becomes part of it, and waits for its COMMIT.
    if (this.openGroup) lease.group ??= this.openGroup;
    try {
      if (stmt.reader) return { rows: stmt.all(parameters as unknown[]) as R[] };
      const { changes, lastInsertRowid } = stmt.run(parameters as unknown[]);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    } catch (err) {
      this.checkGroupAlive(err);
      throw err;
    }
  }

  /** Some errors (SQLITE_FULL, SQLITE_IOERR, …) make SQLite roll back the whole transaction. */
  private checkGroupAlive(err: unknown) {
    if (!this.openGroup || this.writer.sqlite.inTransaction) return;
    const group = this.openGroup;
    this.openGroup = undefined;
    group.settle(err);
  }

  private exec(lease: Lease, sql: string) {
    this.run(lease, this.writer.prepare(sql), []);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.holdsWriter) {
      await this.mutex.lock();
      lease.holdsWriter = true;
    }
    if (!this.openGroup) {
      this.exec(lease, 'begin immediate');
      this.openGroup = new Group();
    }
    this.exec(lease, 'savepoint sx_unit');
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.exec(connection as Lease, 'release sx_unit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // Rolled back whole already: every member learns it from the group's failure.
    if (!this.writer.sqlite.inTransaction) return this.checkGroupAlive(new Error('the transaction was rolled back'));
    this.exec(lease, 'rollback to sx_unit');
    this.exec(lease, 'release sx_unit');
  }

  // Kysely's nested savepoints (trx.savepoint()) inside a transaction's own.
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`savepoint ${quoteName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`rollback to ${quoteName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(Compiled.raw(`release ${quoteName(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.holdsWriter) {
      lease.holdsWriter = false;
      this.mutex.unlock();
    }
    if (lease.wroteAlone) await this.wal.flush();
    if (!lease.group) return;
    this.scheduleCommit();
    await lease.group.durable;
  }

  private scheduleCommit() {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => void this.commit());
  }

  /** Commits the open group; resolves once it is on disk (or has failed). */
  private async commit(): Promise<void> {
    await this.mutex.lock();
    this.commitScheduled = false;
    let durable: Promise<void> | undefined;
    try {
      durable = this.commitOpenGroup();
    } finally {
      // The next group may begin while this one's flush runs.
      this.mutex.unlock();
    }
    await durable;
  }

  /** With the writer held: COMMIT of the open group, if any; the promise settles it once flushed. */
  private commitOpenGroup(): Promise<void> | undefined {
    const group = this.openGroup;
    this.openGroup = undefined;
    if (!group) return undefined;
    try {
      this.writer.prepare('commit').run();
    } catch (err) {
      if (this.writer.sqlite.inTransaction) this.writer.sqlite.exec('rollback');
      group.settle(err);
      return undefined;
    }
    // Committed but not known to be on disk until the flush: nobody is told it was stored before.
    return this.wal.flush().then(() => group.settle(), (err: unknown) => group.settle(err));
  }

  /**
   * Runs `work` while no transaction of this process is open or may begin (reads go on): the WAL
   * checkpoint of checkpoints.ts, which can only complete, and let SQLite restart the WAL, when no new
   * frame arrives meanwhile.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.mutex.lock();
    try {
      void this.commitOpenGroup();
      return await work();
    } finally {
      this.mutex.unlock();
    }
  }

  async destroy(): Promise<void> {
    await this.commit();
    await this.wal.flush().catch(() => undefined);
    this.wal.close();
    this.reader.sqlite.close();
    this.writer.sqlite.close();
  }
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
