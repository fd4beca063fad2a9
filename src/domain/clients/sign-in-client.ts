// A client signs in with its address and the mailed code (and its TOTP code once enrolled). Each
// attempt is counted on the client before anything is checked (one atomic UPDATE, like the tenant's
// sign-in); each code takes at most 5 tries and is then burned; from the 10th failure in a row on the
// client is locked out with a doubling back-off, and a success resets the count.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { AppError, invalid, unauthorized } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import { randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { checkTotp } from '../../storage/crypto/totp.js';
import { nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { CODE_TRIES, codeHash, liveCode, type ClientRow } from './one-time-codes.js';
import { signInTarget } from './request-code.js';

const FREE_FAILURES = 10;
const MAX_LOCK_MS = 3600_000;
const WRONG = 'Wrong or expired code';

export const totpContext = (clientId: string) => `client-totp:${clientId}`;

export async function signInClient(ctx: Ctx, input: { tenantId?: unknown; email?: unknown; code?: unknown; totp?: unknown }): Promise<{ sessionToken: string; clientId: string }> {
  const { tenantId, key } = signInTarget(input);
  if (typeof input.code !== 'string' || !/^\d{6}$/.test(input.code)) throw invalid('"code" must be the 6 digits from the mail');
  const code = input.code;
  const now = nowIso();
  // From the tenth attempt in a row on, the same UPDATE also locks the client for a minute while this
  // attempt is checked: parallel attempts meet the lock; a success lifts it, a failure lengthens it.
  const provisional = new Date(Date.now() + 60_000).toISOString();
  const counted = await ctx.db.updateTable('clients').set((eb) => ({
    failed_codes: eb('failed_codes', '+', 1),
    locked_until: sql<string | null>`case when ${eb.ref('failed_codes')} + 1 >= ${FREE_FAILURES} then ${provisional} else ${eb.ref('locked_until')} end`,
  }))
    .where('tenant_id', '=', tenantId).where('email_key', '=', key)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returningAll().executeTakeFirst();
  if (!counted) {
    const locked = await ctx.db.selectFrom('clients').select('locked_until').where('tenant_id', '=', tenantId).where('email_key', '=', key).executeTakeFirst();
    if (locked?.locked_until) throw tooMany(locked.locked_until);
    throw unauthorized(WRONG);
  }
  const client = counted;

  const live = await liveCode(ctx, client.id);
  if (!live) return refuse(ctx, client, 'no live code');
  // The try is taken before the comparison, atomically: at most CODE_TRIES comparisons per code.
  const tried = await ctx.db.updateTable('client_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', live.id).where('attempts', '<', CODE_TRIES).where('used_at', 'is', null).returning('attempts').executeTakeFirst();
  if (!tried) return refuse(ctx, client, 'no live code');
  const match = crypto.timingSafeEqual(Buffer.from(codeHash(ctx, live.id, code), 'hex'), Buffer.from(live.code_hash, 'hex'));
  if (!match) return refuse(ctx, client, tried.attempts >= CODE_TRIES ? 'wrong code; code burned' : 'wrong code');

  let totpStep: number | null = null;
  if (client.totp_secret) {
    if (input.totp === undefined || input.totp === null || input.totp === '') {
      return refuse(ctx, client, 'totp missing', 'Enter the code from your authenticator app as well');
    }
    const secret = unwrapKey(await tenantKey(ctx, client.tenant_id), client.totp_secret, totpContext(client.id)).toString('utf8');
    totpStep = await checkTotp(secret, input.totp, client.totp_last_step);
    if (totpStep === null) return refuse(ctx, client, 'wrong totp', 'Wrong authenticator code');
  }

  const sessionToken = randomSecret(32);
  const used = await ctx.db.transaction().execute(async (trx) => {
    const burned = await trx.updateTable('client_codes').set({ used_at: nowIso() }).where('id', '=', live.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(burned.numUpdatedRows) !== 1) return false; // a parallel sign-in used it first
    await trx.updateTable('clients').set({ failed_codes: 0, locked_until: null, ...(totpStep !== null ? { totp_last_step: totpStep } : {}) })
      .where('id', '=', client.id).execute();
    await trx.insertInto('client_sessions').values({
      id_hash: sha256Hex(sessionToken), tenant_id: client.tenant_id, client_id: client.id, created_at: nowIso(),
      expires_at: new Date(Date.now() + ctx.config.sessionTtlSeconds * 1000).toISOString(),
    }).execute();
    await recordAudit(trx, { tenantId: client.tenant_id, actor: `client:${client.id}`, action: 'client.signin', detail: { totp: totpStep !== null } });
    return true;
  });
  if (!used) return refuse(ctx, client, 'code already used');
  return { sessionToken, clientId: client.id };
}

async function refuse(ctx: Ctx, client: ClientRow, reason: string, message = WRONG): Promise<never> {
  const failures = client.failed_codes;
  const until = failures >= FREE_FAILURES ? lockUntil(failures) : null;
  await ctx.db.transaction().execute(async (trx) => {
    if (until) await trx.updateTable('clients').set({ locked_until: until }).where('id', '=', client.id).execute();
    await recordAudit(trx, { tenantId: client.tenant_id, actor: 'anonymous', action: 'client.signin.refused', target: `client:${client.id}`, detail: { reason, failures } });
  });
  throw unauthorized(message);
}

/** One minute at the tenth failure in a row, doubling with each further one, at most an hour. */
function lockUntil(failures: number): string {
  return new Date(Date.now() + Math.min(MAX_LOCK_MS, 60_000 * 2 ** Math.max(0, failures - FREE_FAILURES))).toISOString();
}

function tooMany(until: string): AppError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  return new AppError('too_many', `Too many failed sign-ins; try again in ${seconds} s`, String(seconds));
}
