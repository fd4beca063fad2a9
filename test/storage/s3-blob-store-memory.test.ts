// One put holds a bounded number of parts, never the blob: a large upload grows the process by a few
// tens of MiB however large it is (DESIGN.md: documents are never held whole in memory). 256 MiB by
// default, to spare the shared 2-core machine; SX_S3_MEMORY_BYTES=5368709120 checks a 5 GiB document
// (about 10 GiB of disk writes in s3rver's folder).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startLocalS3, type LocalS3 } from '../helpers/s3rver.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;

describe('S3BlobStore memory', () => {
  let s3: LocalS3;
  before(async () => { s3 = await startLocalS3(['sx-memory']); });
  after(async () => { await s3?.stop(); });

  it('a large put grows the process by at most a few tens of MiB', async () => {
    const bytes = Number(process.env.SX_S3_MEMORY_BYTES || 256 * MiB);
    const maxUpload = Math.max(bytes, 2 * 1024 * MiB);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(here, 's3-put-memory.ts'), s3.endpoint, 'sx-memory', String(bytes), String(maxUpload)], { maxBuffer: 1 << 20, timeout: 30 * 60_000 });
    const r = JSON.parse(stdout) as { stored: number; growth: number; seconds: number };
    assert.equal(r.stored, bytes);
    // Three 8 MiB part buffers (two in flight, one filling) and the garbage of 64 KiB chunks awaiting the
    // collector (the folder store shows ~25 MiB of that alone): measured 35–60 MiB from 64 MiB to 2 GiB.
    assert.ok(r.growth < 80 * MiB, `RSS grew by ${(r.growth / MiB).toFixed(1)} MiB for a ${bytes / MiB} MiB put`);
    console.log(`# put of ${bytes / MiB} MiB: RSS +${(r.growth / MiB).toFixed(1)} MiB, ${r.seconds} s`);
  });
});
