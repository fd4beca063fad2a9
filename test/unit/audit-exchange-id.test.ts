// The audit log's exchange_id: filled from target or detail.exchange by recordAudit, backfilled by
// migration 0006 on a database written before it (whose chain still verifies), and checked by
// verifyAudit (an edited exchange_id breaks the chain at that entry like any edited field).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { Migrator } from 'kysely';
import { exchangeIdOf } from '../../src/domain/audit/exchange-of-entry.js';
import { entryHash, recordAudit } from '../../src/domain/audit/record-audit.js';
import { verifyAudit as verdictOf } from '../../src/domain/audit/verify-audit.js';
import { openDatabase } from '../../src/storage/db/index.js';
import * as m0001 from '../../src/storage/db/migrations/0001_initial.js';
import * as m0004 from '../../src/storage/db/migrations/0004_exchanges_people.js';
import { bareKysely, scratchDatabase } from '../helpers/test-database.js';

describe('audit exchange_id', () => {
  it('derives the exchange from the target or detail.exchange, nothing else', () => {
    const id = crypto.randomUUID();
    assert.equal(exchangeIdOf(`exchange:${id}`, null), id);
    assert.equal(exchangeIdOf('document:x', { exchange: id }), id);
    assert.equal(exchangeIdOf('document:x', JSON.stringify({ exchange: id, size: 3 })), id);
    assert.equal(exchangeIdOf('user:x', { user: id }), null);
    assert.equal(exchangeIdOf('exchange:not-an-id', '{not json'), null);
    assert.equal(exchangeIdOf(null, { exchange: 5 }), null);
  });

  it('recordAudit fills it and verifyAudit catches an edit of it', async () => {
    const scratch = await scratchDatabase();
    const db = await openDatabase(scratch.target);
    await db.insertInto('tenants').values({ id: 't', name: 'T', default_language: 'EN', username: 't-user', password_hash: 'x', wrapped_key: 'x', created_at: '2026-01-01T00:00:00.000Z' }).execute();
    const x = crypto.randomUUID();
    await recordAudit(db, { tenantId: 't', actor: 'user:a', action: 'exchange.create', target: `exchange:${x}` });
    await recordAudit(db, { tenantId: 't', actor: 'user:a', action: 'document.upload', target: 'document:d', detail: { exchange: x } });
    await recordAudit(db, { tenantId: 't', actor: 'scim', action: 'user.update', target: 'user:u' });
    const rows = await db.selectFrom('audit_log').select(['seq', 'exchange_id']).orderBy('seq').execute();
    assert.deepEqual(rows.map((r) => r.exchange_id), [x, x, null]);
    assert.equal((await verdictOf(db, 't')).brokenAt, null);
    await db.updateTable('audit_log').set({ exchange_id: null }).where('seq', '=', rows[1]!.seq).execute();
    assert.equal((await verdictOf(db, 't')).brokenAt, rows[1]!.seq, 'an entry hidden from its exchange breaks the chain');
    await db.updateTable('audit_log').set({ exchange_id: x }).where('seq', '=', rows[1]!.seq).execute();
    await db.updateTable('audit_log').set({ exchange_id: x }).where('seq', '=', rows[2]!.seq).execute();
    assert.equal((await verdictOf(db, 't')).brokenAt, rows[2]!.seq, 'an entry moved into an exchange breaks it too');
    await db.destroy();
    await scratch.drop();
  });

  it('migration 0006 backfills a chain written before it, which still verifies', async () => {
    const scratch = await scratchDatabase();
    const old = bareKysely(scratch.target);
    const provider = { getMigrations: async () => ({ '0001_initial': m0001, '0004_exchanges_people': m0004 }) };
    assert.equal((await new Migrator({ db: old, provider }).migrateToLatest()).error, undefined);
    await old.insertInto('tenants').values({ id: 't', name: 'T', default_language: 'EN', username: 't-user', password_hash: 'x', wrapped_key: 'x', created_at: '2026-01-01T00:00:00.000Z' }).execute();
    const x = crypto.randomUUID();
    let prev = '0'.repeat(64);
    const entries = [
      { target: `exchange:${x}`, detail: null },
      { target: 'document:d', detail: JSON.stringify({ exchange: x, version: 1 }) },
      { target: 'user:u', detail: null },
    ];
    for (const [i, e] of entries.entries()) {
      const row = { at: `2026-01-01T00:00:0${i}.000Z`, actor: 'user:a', action: `a${i}`, ...e };
      const hash = entryHash(prev, row);
      await old.insertInto('audit_log').values({ tenant_id: 't', ...row, prev_hash: prev, hash }).execute();
      prev = hash;
    }
    await old.destroy();
    const db = await openDatabase(scratch.target);
    const rows = await db.selectFrom('audit_log').select('exchange_id').orderBy('seq').execute();
    assert.deepEqual(rows.map((r) => r.exchange_id), [x, x, null]);
    assert.equal((await verdictOf(db, 't')).brokenAt, null, 'the old chain verifies after the backfill');
    await db.destroy();
    await scratch.drop();
  });
});
