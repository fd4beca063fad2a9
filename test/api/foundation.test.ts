// The exchanges foundation: staff sessions through the ACS, exchanges owned and listed, documents as
// versions, and the policy's 404/403 split.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firm, type Firm } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('exchanges foundation', () => {
  let server: RunningServer;
  let f: Firm;
  before(async () => { server = await startServer(); f = await firm(server); });
  after(async () => server?.stop());

  it('an advisor creates an exchange, uploads a document and reads it back as version 1', async () => {
    const advisor = await f.staff('ADVISOR');
    const x = await advisor.browser.api('POST', '/exchanges', { title: 'Tax 2026' });
    assert.equal(x.status, 201, x.text);
    assert.equal(x.body.relation, 'owner');
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('hello versions')]), 'Steuererklärung 2026.pdf');
    const up = await advisor.browser.fetch('POST', `/api/exchanges/${x.body.id}/documents`, { body: form });
    assert.equal(up.status, 201);
    const doc = await up.json() as { id: string; version: number; uploadedBy: string };
    assert.equal(doc.version, 1);
    assert.equal(doc.uploadedBy, `user:${advisor.id}`);
    const list = await advisor.browser.api('GET', `/exchanges/${x.body.id}/documents`);
    assert.deepEqual(list.body.items.map((d: { name: string }) => d.name), ['Steuererklärung 2026.pdf']);
    const content = await advisor.browser.fetch('GET', `/api/exchanges/${x.body.id}/documents/${doc.id}/content`);
    assert.equal(await content.text(), 'hello versions');
  });

  it('another advisor gets 404; a promoted admin sees the exchange but may not read documents (403)', async () => {
    const owner = await f.staff('ADVISOR');
    const other = await f.staff('ADVISOR');
    const admin = await f.staff('ADMIN', { promote: true });
    const pending = await f.staff('ADMIN');
    const x = (await owner.browser.api('POST', '/exchanges', { title: 'Private' })).body;
    assert.equal((await other.browser.api('GET', `/exchanges/${x.id}`)).status, 404);
    assert.equal((await pending.browser.api('GET', `/exchanges/${x.id}`)).status, 404);
    const seen = await admin.browser.api('GET', `/exchanges/${x.id}`);
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.body.relation, 'admin');
    assert.equal((await admin.browser.api('GET', `/exchanges/${x.id}/documents`)).status, 403);
  });
});
