// A worker thread of the server: checkpoints the WAL of its SQLite file when asked (checkpoints.ts).
// PASSIVE never waits for a reader; with synchronous=NORMAL it flushes the WAL before copying and the
// database file after. Done here, the copy and both flushes stay off the event loop; left to SQLite's
// auto-checkpoint they would run inside some request's COMMIT, stalling every request behind it.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file } = workerData as { file: string };
const db = new SQLite(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

parentPort?.on('message', (m: { type: 'checkpoint' | 'stop' }) => {
  if (m.type === 'stop') {
    db.close();
    parentPort?.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    parentPort?.postMessage({ type: 'done', ...r });
  } catch (err) {
    parentPort?.postMessage({ type: 'failed', message: (err as Error).message });
  }
});
