import { sha256Hex } from '../../storage/crypto/passwords.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

/** Ends one staff session and returns what SP-initiated single logout tells the IdP about it. */
export async function endSamlSession(ctx: Ctx, token: string | undefined) {
  if (!token) return undefined;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sessions').select(['tenant_id', 'user_id', 'name_id', 'name_id_format', 'session_index'])
      .where('id_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!row) return undefined;
    await trx.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
    await recordAudit(trx, { tenantId: row.tenant_id, actor: `user:${row.user_id}`, action: 'signout' });
    return row;
  });
}

/**
 * The IdP ended a sign-in (IdP-initiated single logout). A signed request names the user; an unsigned
 * one ends only the session whose SessionIndex it quotes, since anyone can send a NameID but only the
 * IdP knows the SessionIndex it issued — a forged request cannot sign anybody out.
 */
export async function endSessionsFromIdp(
  ctx: Ctx, tenantId: string, req: { id: string; expiresAt: Date; nameId: string; sessionIndex?: string; signed: boolean },
): Promise<number | 'replay'> {
  if (!req.signed && !req.sessionIndex) return 0;
  return ctx.db.transaction().execute(async (trx) => {
    // Each LogoutRequest works once, like each assertion: a captured one cannot end later sessions.
    // ON CONFLICT DO NOTHING: a caught unique violation would leave a PostgreSQL transaction aborted.
    const remembered = await trx.insertInto('saml_replay').values({ tenant_id: tenantId, assertion_id: `logout:${req.id}`, expires_at: req.expiresAt.toISOString() })
      .onConflict((oc) => oc.columns(['tenant_id', 'assertion_id']).doNothing()).executeTakeFirst();
    if (Number(remembered.numInsertedOrUpdatedRows) !== 1) return 'replay' as const;
    const q = trx.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('name_id', '=', req.nameId);
    const res = await (req.signed ? q : q.where('session_index', '=', req.sessionIndex!)).executeTakeFirst();
    const n = Number(res.numDeletedRows);
    if (n) await recordAudit(trx, { tenantId, actor: 'idp', action: 'signout.idp', detail: { sessions: n, signed: req.signed } });
    return n;
  });
}
