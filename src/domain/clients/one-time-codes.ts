// One-time sign-in codes sent by mail: 6 digits, valid 10 minutes, 5 tries each. Only an HMAC (keyed by
// the master key, bound to the code's id) is stored, so a copy of the database does not give the codes
// away even though a 6-digit space is small. A new code replaces every earlier one of the client.
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import { mailerOf } from '../../mail/mailer.js';
import { codeMail, mailLanguage } from '../../mail/templates.js';
import { nowIso, type Database } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

export const CODE_TTL_MINUTES = 10;
export const CODE_TRIES = 5;
/** Per client: at most one code per 30 s and 5 per hour, so the mail box cannot be flooded. */
const MIN_INTERVAL_MS = 30_000;
const PER_HOUR = 5;

export type ClientRow = Selectable<Database['clients']>;

export function codeHash(ctx: Ctx, codeId: string, code: string): string {
  return crypto.createHmac('sha256', ctx.masterKey).update(`client-code:${codeId}:${code}`).digest('hex');
}

/**
 * Issues a code and mails it. `ignoreInterval`: accepting an invitation always sends one (the link is
 * single-use, so it cannot be replayed to flood the box). Returns false when the rate limit held it back.
 * A mail failure removes the code again and rethrows (MailError).
 */
export async function issueCode(ctx: Ctx, client: ClientRow, opts: { ignoreInterval?: boolean } = {}): Promise<boolean> {
  const now = Date.now();
  const id = crypto.randomUUID();
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const issued = await ctx.db.transaction().execute(async (trx) => {
    const recent = await trx.selectFrom('client_codes').select('created_at').where('client_id', '=', client.id)
      .where('created_at', '>', new Date(now - 3600_000).toISOString()).orderBy('created_at', 'desc').execute();
    if (!opts.ignoreInterval && (recent.length >= PER_HOUR || (recent[0] && Date.parse(recent[0].created_at) > now - MIN_INTERVAL_MS))) return false;
    const at = new Date(now).toISOString();
    await trx.updateTable('client_codes').set({ used_at: at }).where('client_id', '=', client.id).where('used_at', 'is', null).execute();
    await trx.insertInto('client_codes').values({
      id, tenant_id: client.tenant_id, client_id: client.id, code_hash: codeHash(ctx, id, code), attempts: 0,
      created_at: at, expires_at: new Date(now + CODE_TTL_MINUTES * 60_000).toISOString(), used_at: null,
    }).execute();
    await recordAudit(trx, { tenantId: client.tenant_id, actor: 'system', action: 'client.code.sent', target: `client:${client.id}` });
    return true;
  });
  if (!issued) return false;
  const tenant = await ctx.db.selectFrom('tenants').select(['name', 'default_language']).where('id', '=', client.tenant_id).executeTakeFirstOrThrow();
  const mail = codeMail(mailLanguage(client.language, tenant.default_language), { firm: tenant.name, code, minutes: CODE_TTL_MINUTES });
  try {
    await mailerOf(ctx).send({ to: client.email, kind: 'code', ...mail });
  } catch (err) {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('client_codes').where('id', '=', id).execute();
      await recordAudit(trx, { tenantId: client.tenant_id, actor: 'system', action: 'client.code.unsent', target: `client:${client.id}` });
    });
    throw err;
  }
  return true;
}

/** The client's live code (not used, not expired, tries left), newest first. */
export async function liveCode(ctx: Ctx, clientId: string) {
  return ctx.db.selectFrom('client_codes').selectAll().where('client_id', '=', clientId).where('used_at', 'is', null)
    .where('expires_at', '>', nowIso()).where('attempts', '<', CODE_TRIES).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}
