// The ACS's validation pool (src/saml/validation-pool.ts): the same answers as validateSamlResponse on
// the main thread, the request store reached per job, a bounded queue, crashed and stuck workers
// replaced with only their own job failing, and a close that ends everything.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import type { CacheProvider } from '@node-saml/node-saml';
import { entraDirectoryOf, parseIdpMetadata } from '../../src/saml/metadata.js';
import type { SpSettings } from '../../src/saml/service-provider.js';
import { SamlRejected } from '../../src/saml/validate-response.js';
import { createValidationPool, ValidationUnavailable } from '../../src/saml/validation-pool.js';
import { entraLikeMetadata, entraResponseXml, entraSigner } from '../../bench/saml-signer.js';

const ACS = 'https://sx.example/saml/pool/acs';
const md = parseIdpMetadata(entraLikeMetadata());
const noRequests: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async () => null };
const settings = (requests: CacheProvider = noRequests, more: Partial<SpSettings> = {}): SpSettings => ({
  tenantId: 'pool', acsUrl: ACS, idp: md, clockSkewMs: 180_000, requests, allowIdpInitiated: true, allowSha1: false,
  entraTenantId: entraDirectoryOf(md.entityId), ...more,
});
const signer = entraSigner();
const who = () => ({ acsUrl: ACS, audience: 'pool', upn: 'pat@contoso.example', objectId: crypto.randomUUID() });
const misbehaving = new URL('../helpers/misbehaving-validation-worker.ts', import.meta.url);
const unavailable = (why: string) => (e: unknown) => e instanceof ValidationUnavailable && e.why === why;

describe('validation pool', () => {
  it('validates on a worker what the main thread would accept, and refuses with the same SamlRejected', async () => {
    const pool = createValidationPool({ threads: 2, queueLimit: 8 });
    try {
      const r = signer.sign(who());
      const id = await pool.validate(settings(), r.samlResponse);
      assert.equal(id.assertionId, r.assertionId);
      assert.ok(id.notOnOrAfter instanceof Date);
      const unsigned = Buffer.from(entraResponseXml(who(), { response: '_r1', assertion: '_a1', session: '_s1' })).toString('base64');
      await assert.rejects(pool.validate(settings(), unsigned), (e: unknown) => e instanceof SamlRejected && e.code === 'invalid');
      await assert.rejects(pool.validate(settings(undefined, { allowIdpInitiated: false }), signer.sign(who()).samlResponse),
        (e: unknown) => e instanceof SamlRejected && e.code === 'unsolicited');
    } finally {
      await pool.close();
    }
  });

  it('each job reaches its own tenant\'s request store, which answers and consumes our request ids', async () => {
    const pool = createValidationPool({ threads: 1, queueLimit: 8 });
    try {
      const calls: string[] = [];
      const ids = new Map([['_req1', new Date().toISOString()]]);
      const store: CacheProvider = {
        saveAsync: async () => null,
        getAsync: async (k) => { calls.push(`get ${k}`); return ids.get(k) ?? null; },
        removeAsync: async (k) => { calls.push(`remove ${k}`); if (k) ids.delete(k); return k; },
      };
      const xml = signer.sign(who()).xml.replace('<samlp:Response ', '<samlp:Response InResponseTo="_req1" ');
      // The InResponseTo added after signing sits on the unsigned Response: still a valid signed assertion.
      const id = await pool.validate(settings(store), Buffer.from(xml).toString('base64'));
      assert.equal(id.inResponseTo, '_req1');
      assert.ok(calls.includes('get _req1'), calls.join(', '));
    } finally {
      await pool.close();
    }
  });

  it('a full queue answers busy at once instead of holding more', async () => {
    const pool = createValidationPool({ threads: 1, queueLimit: 2 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => pool.validate(settings(), signer.sign(who()).samlResponse)));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const busy = results.filter((r) => r.status === 'rejected' && unavailable('busy')(r.reason)).length;
      assert.equal(ok, 3); // one running, two waiting
      assert.equal(busy, 3);
    } finally {
      await pool.close();
    }
  });

  it('a crashed worker fails only its job and is replaced', async () => {
    const exits: unknown[] = [];
    const pool = createValidationPool({ threads: 1, queueLimit: 8, workerUrl: misbehaving, onWorkerExit: (e) => exits.push(e) });
    try {
      const after = pool.validate(settings(), signer.sign(who()).samlResponse);
      await assert.rejects(pool.validate(settings(), 'crash'), unavailable('failed'));
      assert.equal((await after).nameId, 'pat@contoso.example');
      assert.deepEqual(exits, [{ exitCode: 3, duringJob: true }]);
    } finally {
      await pool.close();
    }
  });

  it('a stuck worker is terminated after the timeout, its job failed, and the next job served', async () => {
    const pool = createValidationPool({ threads: 1, queueLimit: 8, timeoutMs: 1500, workerUrl: misbehaving });
    try {
      const t = Date.now();
      await assert.rejects(pool.validate(settings(), 'hang'), unavailable('failed'));
      assert.ok(Date.now() - t < 5000);
      assert.equal((await pool.validate(settings(), signer.sign(who()).samlResponse)).nameId, 'pat@contoso.example');
    } finally {
      await pool.close();
    }
  });

  it('close refuses waiting jobs and new ones, and ends the workers', async () => {
    const pool = createValidationPool({ threads: 1, queueLimit: 8, workerUrl: misbehaving, timeoutMs: 60_000 });
    const stuck = pool.validate(settings(), 'hang');
    const waiting = pool.validate(settings(), signer.sign(who()).samlResponse);
    const refused = [assert.rejects(waiting, unavailable('closed')), assert.rejects(stuck, unavailable('closed'))];
    await new Promise((r) => setTimeout(r, 100));
    await pool.close();
    await Promise.all(refused);
    await assert.rejects(pool.validate(settings(), signer.sign(who()).samlResponse), unavailable('closed'));
  });

  it('threads = 0 validates on the calling thread', async () => {
    const pool = createValidationPool({ threads: 0, queueLimit: 0 });
    const r = signer.sign(who());
    assert.equal((await pool.validate(settings(), r.samlResponse)).assertionId, r.assertionId);
    await pool.close();
  });
});
