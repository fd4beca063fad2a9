// The audit trail from the operator's side: `audit verify` finds an edited, a deleted, a moved and a
// cut-off entry straight in the SQLite file; appends from two processes at once keep one chain;
// `audit export`; and `tenant delete` / `tenant reset-password`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { recordAudit } from '../../src/domain/audit/record-audit.js';
import { openDatabase } from '../../src/storage/db/index.js';
import { parseCsv, withDatabase } from '../helpers/console.js';
import { databaseTarget } from '../helpers/test-database.js';
import { countRows } from '../helpers/db.js';
import { Browser, firm } from '../helpers/people.js';
import { scim } from '../helpers/scim.js';
import { createTenant, repoRoot, startServer, type RunningServer } from '../helpers/server.js';

const run = promisify(execFile);

describe('audit trail and tenant lifecycle (CLI)', () => {
  let server: RunningServer;
  let dbFile: string;
  before(async () => { server = await startServer(); dbFile = databaseTarget(server.dataDir); });
  after(async () => server?.stop());

  /** A tenant with `n` more entries after its creation; returns the seqs of all its entries. */
  async function tenantWithEntries(id: string, n = 6): Promise<number[]> {
    await createTenant(server, `Audit ${id}`, id);
    const db = await openDatabase(dbFile);
    try {
      for (let i = 0; i < n; i++) await recordAudit(db, { tenantId: id, actor: 'operator', action: 'test.entry', target: `thing:${i}`, detail: { i } });
    } finally { await db.destroy(); }
    return withDatabase(server.dataDir, (db) => (db.prepare('select seq from audit_log where tenant_id = ? order by seq').all(id) as { seq: number }[]).map((r) => r.seq));
  }

  async function verify(...args: string[]) {
    const r = await server.cli(['audit', 'verify', ...args, '--json']);
    return { code: r.code, out: JSON.parse(r.stdout) as { intact: boolean; tenants: { tenantId: string; intact: boolean; brokenAt: number | null; reason: string | null; entries: number }[] } };
  }

  it('an untouched log verifies; an edited detail, a deleted middle entry, two swapped entries and a cut-off tail are each found', async () => {
    const intact = await tenantWithEntries('au-intact');
    const edited = await tenantWithEntries('au-edited');
    const deleted = await tenantWithEntries('au-deleted');
    const swapped = await tenantWithEntries('au-swapped');
    const cut = await tenantWithEntries('au-cut');

    const clean = await verify('--tenant', 'au-intact');
    assert.equal(clean.code, 0);
    assert.deepEqual(clean.out.tenants[0], { tenantId: 'au-intact', entries: intact.length, intact: true, brokenAt: null, reason: null });
    const text = await server.cli(['audit', 'verify', '--tenant', 'au-intact']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /au-intact: intact \(7 entries\)/);

    withDatabase(server.dataDir, (db) => {
      db.prepare(`update audit_log set detail = '{"i":99}' where seq = ?`).run(edited[3]);
      db.prepare('delete from audit_log where seq = ?').run(deleted[3]);
      const cols = 'at, actor, action, target, detail, prev_hash, hash';
      const [a, b] = [swapped[2], swapped[4]].map((s) => db.prepare(`select ${cols} from audit_log where seq = ?`).get(s) as Record<string, unknown>);
      const put = db.prepare('update audit_log set at = @at, actor = @actor, action = @action, target = @target, detail = @detail, prev_hash = @prev_hash, hash = @hash where seq = @seq');
      put.run({ ...b, seq: swapped[2] });
      put.run({ ...a, seq: swapped[4] });
      db.prepare('delete from audit_log where seq = ?').run(cut.at(-1));
    });

    const expectBroken = async (id: string, at: number, reason: RegExp) => {
      const v = await verify('--tenant', id);
      assert.equal(v.code, 1, id);
      assert.equal(v.out.intact, false);
      assert.equal(v.out.tenants[0]!.brokenAt, at, `${id}: ${v.out.tenants[0]!.reason}`);
      assert.match(v.out.tenants[0]!.reason!, reason);
    };
    await expectBroken('au-edited', edited[3]!, /changed/);
    await expectBroken('au-deleted', deleted[4]!, /removed|reordered/);
    await expectBroken('au-swapped', swapped[2]!, /removed|reordered/);
    await expectBroken('au-cut', cut.at(-2)!, /newest entries were removed/);

    // Without --tenant: every tenant, exit 1, each broken one named with its first broken seq.
    const all = await server.cli(['audit', 'verify']);
    assert.equal(all.code, 1);
    assert.match(all.stdout, /^au-intact: intact/m);
    assert.match(all.stdout, new RegExp(`^au-edited: BROKEN at seq ${edited[3]}:`, 'm'));
    assert.match(all.stdout, new RegExp(`^au-deleted: BROKEN at seq ${deleted[4]}:`, 'm'));
    assert.match(all.stdout, new RegExp(`^au-swapped: BROKEN at seq ${swapped[2]}:`, 'm'));
    assert.match(all.stdout, new RegExp(`^au-cut: BROKEN at seq ${cut.at(-2)}:`, 'm'));
    const missing = await server.cli(['audit', 'verify', '--tenant', 'no-such-tenant']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No tenant "no-such-tenant"/);
  });

  it('two processes and the server appending at once keep one unbroken chain (BEGIN IMMEDIATE)', async () => {
    const f = await firm(server);
    const id = f.tenant.tenantId;
    const before = countRows(server.dataDir, 'audit_log', 'tenant_id = ?', id);
    const N = 600; // more than one page of the export and of verify's walk together
    const appender = (label: string) => run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/helpers/append-audit.ts'), dbFile, id, String(N), label], { cwd: repoRoot, env: server.env });
    let http = 0;
    const langs = ['DE', 'FR', 'IT', 'EN'];
    const viaServer = (async () => {
      for (let i = 0; i < 40; i++) {
        const r = await f.console.api('PATCH', '/tenant/settings', { defaultLanguage: langs[i % 4] });
        assert.equal(r.status, 200, r.text);
        http++;
      }
    })();
    await Promise.all([appender('one'), appender('two'), viaServer]);
    assert.equal(countRows(server.dataDir, 'audit_log', 'tenant_id = ?', id), before + 2 * N + http);
    const v = await verify('--tenant', id);
    assert.equal(v.code, 0, JSON.stringify(v.out));
    assert.equal(v.out.tenants[0]!.entries, before + 2 * N + http);

    // The export pages through the whole log (more than one page) and is itself the last entry.
    const out = path.join(server.dataDir, 'export.jsonl');
    const e = await server.cli(['audit', 'export', '--tenant', id, '--format', 'jsonl', '--out', out]);
    assert.equal(e.code, 0, e.stderr);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, before + 2 * N + http + 1);
    assert.equal(new Set(lines.map((l) => l.seq)).size, lines.length);
    for (let i = 1; i < lines.length; i++) assert.equal(lines[i].prevHash, lines[i - 1].hash);
    assert.deepEqual([lines.at(-1).actor, lines.at(-1).action], ['operator', 'audit.export']);
    assert.equal((fs.statSync(out).mode & 0o777).toString(8), '600');
    assert.equal(fs.existsSync(`${out}.partial`), false);
  });

  it('audit export: CSV to stdout with filters; bad arguments are usage errors', async () => {
    await tenantWithEntries('au-export', 3);
    const r = await server.cli(['audit', 'export', '--tenant', 'au-export', '--format', 'csv', '--action', 'test']);
    assert.equal(r.code, 0, r.stderr);
    const rows = parseCsv(r.stdout);
    assert.equal(rows[0]![0], 'seq');
    assert.deepEqual(rows.slice(1).map((row) => row[4]), ['thing:0', 'thing:1', 'thing:2']);
    assert.equal((await server.cli(['audit', 'export', '--tenant', 'au-export', '--format', 'xml'])).code, 2);
    assert.equal((await server.cli(['audit', 'export', '--format', 'csv'])).code, 2);
    const bad = await server.cli(['audit', 'export', '--tenant', 'au-export', '--format', 'csv', '--from', 'last week']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"from" must be an ISO date/);
  });

  it('tenant delete: refused while a document is held; otherwise every row and blob of the tenant goes, others untouched', async () => {
    const f = await firm(server);
    const other = await firm(server);
    const id = f.tenant.tenantId;
    const advisor = await f.staff('ADVISOR');
    const x = (await advisor.browser.api('POST', '/exchanges', { title: 'Holds a file' })).body;
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('keep me')]), 'contract.pdf');
    const up = await advisor.browser.fetch('POST', `/api/exchanges/${x.id}/documents`, { body: form });
    assert.equal(up.status, 201);

    const refused = await server.cli(['tenant', 'delete', '--tenant', id, '--yes']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /still holds 1 document/);
    assert.equal(countRows(server.dataDir, 'tenants', 'id = ?', id), 1);
    assert.equal((await f.console.api('GET', '/tenant')).status, 200, 'nothing changed');

    // The document deleted (as the documents API does: marked, blobs removed later or now).
    withDatabase(server.dataDir, (db) => db.prepare("update documents set deleted_at = ?, deleted_by = 'test' where tenant_id = ?").run(new Date().toISOString(), id));
    const blobKey = withDatabase(server.dataDir, (db) => (db.prepare('select blob_key from document_versions where tenant_id = ?').get(id) as { blob_key: string }).blob_key);
    const blobFile = path.join(server.dataDir, 'blobs', blobKey.slice(0, 2), blobKey);
    assert.ok(fs.existsSync(blobFile));

    const unconfirmed = await server.cli(['tenant', 'delete', '--tenant', id]);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /run again with --yes/);
    assert.equal(countRows(server.dataDir, 'tenants', 'id = ?', id), 1);

    const done = await server.cli(['tenant', 'delete', '--tenant', id, '--yes']);
    assert.equal(done.code, 0, done.stderr);
    for (const table of ['tenants', 'users', 'exchanges', 'documents', 'document_versions', 'audit_log', 'scim_tokens', 'sessions', 'tenant_sessions', 'idp_configs']) {
      assert.equal(countRows(server.dataDir, table, table === 'tenants' ? 'id = ?' : 'tenant_id = ?', id), 0, table);
    }
    assert.equal(fs.existsSync(blobFile), false, 'the blob is gone');
    assert.equal((await f.console.api('GET', '/tenant')).status, 401, 'its console session ended');
    assert.equal((await advisor.browser.api('GET', '/me')).status, 401, 'its staff sessions ended');
    assert.equal((await scim(f.tenant, 'GET', '/Users')).status, 401);
    assert.equal((await other.console.api('GET', '/tenant')).status, 200, 'another tenant is untouched');
    assert.equal((await verify('--tenant', other.tenant.tenantId)).code, 0);
    assert.equal((await server.cli(['tenant', 'delete', '--tenant', id, '--yes'])).code, 1, 'gone: 404');
  });

  it('tenant reset-password: a locked-out tenant gets a new password; every console session ends', async () => {
    const f = await firm(server);
    const b = new Browser(server);
    for (let i = 0; i < 5; i++) await b.api('POST', '/tenant/login', { username: f.tenant.username, password: 'guess-guess-guess' });
    assert.equal((await b.api('POST', '/tenant/login', { username: f.tenant.username, password: f.tenant.password })).status, 429);
    const r = await server.cli(['tenant', 'reset-password', '--tenant', f.tenant.tenantId, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { username: string; password: string };
    assert.equal(out.username, f.tenant.username);
    assert.ok(out.password.length >= 20);
    assert.equal((await f.console.api('GET', '/tenant')).status, 401, 'the old session ended');
    assert.equal((await b.api('POST', '/tenant/login', { username: f.tenant.username, password: f.tenant.password })).status, 401);
    assert.equal((await b.api('POST', '/tenant/login', { username: f.tenant.username, password: out.password })).status, 200);
    assert.equal(countRows(server.dataDir, 'audit_log', "tenant_id = ? and action = 'tenant.password.reset' and actor = 'operator'", f.tenant.tenantId), 1);
    assert.ok(countRows(server.dataDir, 'audit_log', 'tenant_id = ? and detail like ?', f.tenant.tenantId, `%${out.password}%`) === 0, 'no password in the log');
  });
});
