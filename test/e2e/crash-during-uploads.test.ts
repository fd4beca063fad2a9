// kill -9 during 20 concurrent uploads (issue 5): after the restart no partial document is listed, every
// acknowledged upload is listed and downloads intact, the audit chain verifies, and the collector
// removes what the crash left in the blob store.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { advisorWithExchange, blobFiles, query } from '../helpers/exchanges.js';
import type { StaffMember } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

interface Upload { name: string; payload: Buffer; sent: number; status?: number; id?: string; error?: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A multipart upload over a raw connection, written in chunks `paceMs` apart so it is mid-flight when the server dies. */
function send(server: RunningServer, cookie: string, exchangeId: string, u: Upload, paceMs: number): Promise<void> {
  const boundary = `sx${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${u.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    const req = http.request(`${server.url}/api/exchanges/${exchangeId}/documents`, {
      method: 'POST',
      headers: { cookie, 'x-secure-exchange-csrf': '1', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + u.payload.length + tail.length },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { u.status = res.statusCode; if (res.statusCode === 201) u.id = JSON.parse(text).id; resolve(); });
      res.on('error', (e) => { u.error = e.message; resolve(); });
    });
    req.on('error', (e) => { u.error = e.message; resolve(); });
    void (async () => {
      req.write(head);
      for (let off = 0; off < u.payload.length && !u.error && !req.destroyed; off += 256 * 1024) {
        const chunk = u.payload.subarray(off, off + 256 * 1024);
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r).once('close', r));
        u.sent += chunk.length;
        if (paceMs) await sleep(paceMs);
      }
      if (!req.destroyed) req.end(tail);
    })();
  });
}

describe('crash: kill -9 during 20 concurrent uploads', () => {
  let server: RunningServer;
  let owner: StaffMember;
  let exchangeId: string;

  before(async () => {
    server = await startServer();
    ({ owner, exchangeId } = await advisorWithExchange(server, 'Crash'));
  });
  after(async () => server?.stop());

  it('loses no acknowledged upload, shows no partial one, and the orphans are collected', async () => {
    // 6 small ones that finish at once, 6 medium ones that may or may not, 8 large ones cut off mid-body.
    const uploads: Upload[] = Array.from({ length: 20 }, (_, i) => ({
      name: `crash-${i}.bin`, sent: 0,
      payload: crypto.randomBytes(i < 6 ? 20_000 + i * 50_000 : i < 12 ? 3 * 1024 * 1024 : 16 * 1024 * 1024),
    }));
    const cookie = owner.browser.cookieHeader();
    const running = uploads.map((u, i) => send(server, cookie, exchangeId, u, i < 6 ? 0 : i < 12 ? 25 : 40));
    // Kill once the small ones are acknowledged and every large one is well under way.
    const deadline = Date.now() + 30_000;
    while (!(uploads.slice(0, 6).every((u) => u.status) && uploads.slice(12).every((u) => u.sent >= 2 * 1024 * 1024))) {
      assert.ok(Date.now() < deadline, 'uploads did not get under way');
      await sleep(20);
    }
    await server.crash();
    await Promise.all(running);

    const acknowledged = uploads.filter((u) => u.status === 201);
    const cut = uploads.filter((u) => u.status === undefined);
    assert.ok(acknowledged.length >= 6, `the small uploads were acknowledged (${acknowledged.length})`);
    assert.ok(cut.length >= 8, `the large uploads were cut off by the kill (${cut.length})`);
    const tmp = path.join(server.dataDir, 'blobs', 'tmp');
    assert.ok(fs.readdirSync(tmp).length >= 1, 'the crash left partial files behind');

    await server.restart();
    const listed = await owner.browser.api('GET', `/exchanges/${exchangeId}/documents`);
    assert.equal(listed.status, 200, listed.text);
    const byName = new Map(uploads.map((u) => [u.name, u]));
    for (const u of acknowledged) assert.ok(listed.body.items.some((d: { id: string }) => d.id === u.id), `acknowledged ${u.name} is listed`);
    for (const d of listed.body.items as Array<{ id: string; name: string; size: number; sha256: string }>) {
      const u = byName.get(d.name);
      assert.ok(u, `listed document ${d.name} is one of the uploads`);
      assert.equal(d.size, u.payload.length, `${d.name} is listed whole, never partial`);
      const res = await owner.browser.fetch('GET', `/api/exchanges/${exchangeId}/documents/${d.id}/content`);
      assert.equal(res.status, 200);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(u.payload), `${d.name} downloads intact`);
    }
    const verify = await server.cli(['audit', 'verify', '--json']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);

    const collected = JSON.parse((await server.cli(['collect', '--grace-minutes', '0', '--json'])).stdout);
    assert.ok(collected.partial >= 1, JSON.stringify(collected));
    assert.deepEqual(fs.readdirSync(tmp), [], 'no partial file is left');
    const referenced = new Set(query<{ blob_key: string }>(server, 'select blob_key from document_versions').map((r) => r.blob_key));
    const stored = blobFiles(server);
    assert.deepEqual(stored.filter((f) => !referenced.has(f)), [], 'every blob left belongs to a listed document');
    assert.equal(stored.length, listed.body.items.length);
  });
});
