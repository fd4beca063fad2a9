// Durability for SQLite in WAL mode with synchronous=NORMAL: COMMIT has written the transaction's
// frames to the WAL file (page cache); an fdatasync of that file started after the COMMIT makes them
// durable. Run with fs.fdatasync it happens on a libuv thread, so the event loop keeps serving reads
// while the disk flushes — with synchronous=FULL SQLite flushes inside COMMIT, on the event loop.
// Frames are appended in order and recovery keeps the longest valid prefix, so a flush also covers
// every earlier commit.
import fs from 'node:fs';

export class WalFlusher {
  private fd: number | undefined;
  private ino = -1;
  private inFlight: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  /** `sync` is fs.fdatasync; a test passes one it controls, to see who waits for the disk. */
  constructor(private readonly file: string, private readonly sync: typeof fs.fdatasync = fs.fdatasync) {}

  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (!this.inFlight) return this.begin();
    // The flush in flight may have started before the caller's COMMIT: the next one covers it, and
    // every commit made meanwhile shares that next one (group commit at the disk too).
    this.next ??= this.inFlight.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.begin();
    });
    return this.next;
  }

  private begin(): Promise<void> {
    const p: Promise<void> = new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = this.open();
      } catch (err) {
        return reject(err);
      }
      this.sync(fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private open(): number {
    // SQLite resets and truncates the WAL in place while the database is open, so the descriptor stays
    // valid; should the file ever be replaced (all connections closed and reopened), it is reopened.
    const { ino } = fs.statSync(this.file);
    if (this.fd === undefined || ino !== this.ino) {
      if (this.fd !== undefined) fs.closeSync(this.fd);
      this.fd = fs.openSync(this.file, 'r');
      this.ino = ino;
    }
    return this.fd;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
