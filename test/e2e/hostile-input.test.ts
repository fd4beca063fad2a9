// Hostile input at the JSON API, the ACS and the server's edges; each case once crashed the server,
// answered 500, answered in the wrong format or leaked a secret to the log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from '../helpers/api.js';
import { countRows } from '../helpers/db.js';
import { createTenant, startServer, type RunningServer, type TenantValues } from '../helpers/server.js';
import { captureSamlResponse, createBrowser, loginThroughIdp } from '../peers/browser.js';
import { startIdp, type RunningIdp } from '../peers/simplesamlphp.js';
import { provisionAlice, trustIdp } from '../helpers/scenario.js';

describe('hostile input', () => {
  let server: RunningServer;
  let idp: RunningIdp;
  let t: TenantValues;
  let exchangeId: string;
  const advisor = createBrowser();

  before(async () => {
    server = await startServer();
    t = await createTenant(server, 'Hostile', 'hostile');
    idp = await startIdp({ sps: [{ entityId: 'hostile', acs: t.samlUrl }] });
    await trustIdp(server, 'hostile', idp);
    await provisionAlice(t);
    assert.equal((await loginThroughIdp(advisor, `${server.url}/saml/hostile/login`, 'alice', 'alice-pass')).status, 303);
    exchangeId = (await api(advisor, server.url, 'POST', '/api/exchanges', { title: 'x' })).body.id;
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  const upload = (contentType: string, body: string) => advisor.fetch(`${server.url}/api/exchanges/${exchangeId}/documents`, {
    method: 'POST', headers: { 'content-type': contentType }, body,
  });

  it('a multipart body cut off before its closing boundary is a 400, the server lives on, nothing is left', async () => {
    const r = await upload('multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc');
    assert.equal(r.status, 400, await r.text());
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal(countRows(server.dataDir, 'documents'), 0);
    assert.deepEqual(fs.readdirSync(path.join(server.dataDir, 'blobs/tmp')), []);
  });

  it('multipart without a boundary is a 400', async () => {
    const r = await upload('multipart/form-data', 'xx');
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.status, 400);
  });

  it('the ACS answers a readable page to a GET, no content type, JSON and XML bodies', async () => {
    const acs = t.samlUrl;
    for (const init of [
      { method: 'GET' },
      { method: 'POST', body: 'SAMLResponse=x' },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' },
      { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' },
    ] as RequestInit[]) {
      const r = await fetch(acs, init);
      assert.ok(r.status >= 400 && r.status < 500, `${init.method} ${r.status}`);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/, `${init.method} ${JSON.stringify(init.headers)}`);
      assert.match(await r.text(), /<h1>/);
    }
  });

  it('a SAMLResponse sent in a query string never reaches the log', async () => {
    const captured = await captureSamlResponse(createBrowser(), `${server.url}/saml/hostile/login`, 'alice', 'alice-pass');
    const r = await fetch(`${t.samlUrl}?SAMLResponse=${encodeURIComponent(captured.samlResponse)}`);
    assert.equal(r.status, 400);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(server.output().includes(captured.samlResponse.slice(0, 60)), false);
    assert.equal(server.output().includes(encodeURIComponent(captured.samlResponse).slice(0, 60)), false);
  });

  it('unknown routes and malformed URLs answer in the documented error shape', async () => {
    for (const p of ['/nosuch', '/api/nosuch', '/api/exchanges/%zz']) {
      const r = await advisor.fetch(server.url + p);
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
      const body = await r.json();
      assert.equal(body.error.status, r.status, p);
      assert.equal(typeof body.error.message, 'string');
    }
  });

  it('file names are kept for display but never used as paths', async () => {
    const form = new FormData();
    form.set('file', new Blob(['secret']), '../../etc/passwd');
    const r = await advisor.fetch(`${server.url}/api/exchanges/${exchangeId}/documents`, { method: 'POST', body: form });
    assert.equal(r.status, 201);
    const list = await api(advisor, server.url, 'GET', `/api/exchanges/${exchangeId}/documents`);
    assert.equal(list.body.items.length, 1);
    assert.ok(!fs.existsSync(path.join(server.dataDir, '../etc/passwd')));
    assert.ok(!fs.readdirSync(path.join(server.dataDir, 'blobs'), { recursive: true }).some((f) => String(f).includes('passwd')));
  });

  it('a JSON body that is not JSON, or nests too deep, is a 400', async () => {
    const bad = await advisor.fetch(`${server.url}/api/exchanges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' });
    assert.equal(bad.status, 400);
    const deep = await advisor.fetch(`${server.url}/api/exchanges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"title":"x","y":${'['.repeat(5000)}${']'.repeat(5000)}}` });
    assert.equal(deep.status, 400);
    assert.equal(countRows(server.dataDir, 'exchanges'), 1);
  });
});
