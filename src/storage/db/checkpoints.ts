// Moves SQLite's WAL checkpoints from the writing connection (inside a COMMIT, on the event loop) to a
// worker thread (checkpoint-worker.ts). Used by the server; short-lived processes (the CLI) keep
// SQLite's own auto-checkpoint. A checkpoint runs while this process starts no write transaction
// (reads go on): only a checkpoint that sees no new frame arrive completes, and only after a complete
// one does the next writer start the WAL over; under steady writes it would otherwise grow without end.
import fs from 'node:fs';
import type { Logger } from 'pino';
import { siblingWorkerUrl, startWorker } from '../../workers/start-worker.js';
import type { SqliteHandle } from './index.js';

const EVERY_MS = 250;
/** Below this the WAL is left to grow: a checkpoint holds writers for its duration, so not too often. */
const MIN_BYTES = 16 * 1024 * 1024;
const AUTO_PAGES = 1000; // SQLite's default auto-checkpoint, restored should the worker stop

export function checkpointOffThread(db: SqliteHandle, log: Logger): { stop(): Promise<void> } {
  const { writer } = db;
  const wal = `${writer.name}-wal`;
  writer.pragma('wal_autocheckpoint = 0');
  const w = startWorker(siblingWorkerUrl('checkpoint-worker', import.meta.url), { file: writer.name });
  w.unref();
  let stopping = false;
  let answer: ((m: { type: string; message?: string }) => void) | undefined;
  w.on('message', (m: { type: string; message?: string }) => answer?.(m));
  const fallBack = (why: string) => {
    clearInterval(timer);
    answer?.({ type: 'failed', message: why });
    if (stopping || !writer.open) return;
    // Without the worker the WAL would grow without end: SQLite checkpoints in COMMIT again.
    writer.pragma(`wal_autocheckpoint = ${AUTO_PAGES}`);
    log.error({ why }, 'the checkpoint thread stopped; SQLite checkpoints on the writing connection again');
  };
  w.on('error', (err) => fallBack(err.message));
  w.on('exit', (code) => fallBack(`exit code ${code}`));

  let running = false;
  const timer = setInterval(() => {
    if (running || stopping) return;
    running = true;
    void (async () => {
      try {
        const size = (await fs.promises.stat(wal).catch(() => undefined))?.size ?? 0;
        if (size < MIN_BYTES) return;
        await db.exclusive(() => new Promise<void>((resolve) => {
          answer = (m) => {
            answer = undefined;
            if (m.type === 'failed') log.warn({ reason: m.message }, 'a WAL checkpoint failed; the next one retries');
            resolve();
          };
          w.postMessage({ type: 'checkpoint' });
        }));
      } finally {
        running = false;
      }
    })();
  }, EVERY_MS);
  timer.unref();

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      const exited = new Promise((r) => w.once('exit', r));
      w.postMessage({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await w.terminate();
    },
  };
}
