// The server's WAL checkpoints run on a worker thread while no write transaction is open: under
// writes that never pause, the WAL is still checkpointed and started over (it does not grow without
// end), and every committed row is in the database afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { checkpointOffThread } from '../../src/storage/db/checkpoints.js';
import { openDatabase, sqliteOf } from '../../src/storage/db/index.js';

describe('WAL checkpoints on a worker thread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-ckpt-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the WAL bounded under steady writes and loses nothing', async () => {
    const file = path.join(dir, 'db.sqlite');
    const db = await openDatabase(file);
    const handle = sqliteOf(db)!;
    const checkpoints = checkpointOffThread(handle, pino({ level: 'silent' }));
    try {
      assert.equal(handle.writer.pragma('wal_autocheckpoint', { simple: true }), 0, 'SQLite no longer checkpoints inside COMMIT');
      const detail = 'x'.repeat(4000);
      let peak = 0;
      let written = 0;
      // ~80 MiB of log rows, one transaction after another with no pause: more than the WAL may keep.
      for (let i = 0; i < 2000; i++) {
        await db.transaction().execute(async (trx) => {
          for (let j = 0; j < 10; j++) {
            await trx.insertInto('provisioning_log').values({ tenant_id: 't', at: new Date().toISOString(), method: 'GET', path: `/${i}/${j}`, status: 200, user_id: null, detail }).execute();
          }
        });
        written += 10;
        peak = Math.max(peak, fs.statSync(`${file}-wal`).size);
      }
      assert.ok(peak < 64 * 1024 * 1024, `the WAL peaked at ${(peak / 1048576).toFixed(1)} MiB, not at the ~80 MiB written`);
      const { n } = await db.selectFrom('provisioning_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(n), written);
    } finally {
      await checkpoints.stop();
      await db.destroy();
    }
  });
});
