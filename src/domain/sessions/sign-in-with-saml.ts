import crypto from 'node:crypto';
import type { SamlIdentity } from '../../saml/validate-response.js';
import { randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

export type SignInRefusal = 'replay' | 'not_provisioned' | 'inactive' | 'no_role';
export type SignInResult =
  | { ok: true; sessionToken: string; userId: string; language: string }
  | { ok: false; reason: SignInRefusal; language?: string };

/**
 * Turns a validated assertion into a session. The user is found by objectidentifier = SCIM externalId
 * (immutable in Entra), else by NameID = userName; only an active provisioned user gets a session.
 * Every outcome is audited; the assertion ID is remembered until it expires, so it works once.
 */
export async function signInWithSaml(ctx: Ctx, tenantId: string, id: SamlIdentity): Promise<SignInResult> {
  return ctx.db.transaction().execute(async (trx) => {
    // ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and the refusal is still to be audited in it.
    const remembered = await trx.insertInto('saml_replay').values({ tenant_id: tenantId, assertion_id: id.assertionId, expires_at: id.notOnOrAfter.toISOString() })
      .onConflict((oc) => oc.columns(['tenant_id', 'assertion_id']).doNothing()).executeTakeFirst();
    if (Number(remembered.numInsertedOrUpdatedRows) !== 1) {
      await recordAudit(trx, { tenantId, actor: 'anonymous', action: 'signin.refused', detail: { reason: 'replay', assertionId: id.assertionId } });
      return { ok: false, reason: 'replay' } as const;
    }
    const user = await trx.selectFrom('users').select(['id', 'active', 'preferred_language', 'user_type']).where('tenant_id', '=', tenantId)
      .where((eb) => (id.objectId !== undefined
        ? eb('external_id', '=', id.objectId)
        : eb('user_name_key', '=', id.nameId.toLowerCase())))
      .executeTakeFirst();
    if (!user || user.active !== 1 || !user.user_type) {
      const reason = !user ? 'not_provisioned' : user.active !== 1 ? 'inactive' : 'no_role';
      await recordAudit(trx, { tenantId, actor: user ? `user:${user.id}` : 'anonymous', action: 'signin.refused', detail: { reason, nameId: id.nameId, objectId: id.objectId } });
      return { ok: false, reason, language: user?.preferred_language } as const;
    }
    const sessionToken = randomSecret(32);
    const now = Date.now();
    await trx.insertInto('sessions').values({
      id_hash: sha256Hex(sessionToken), tenant_id: tenantId, user_id: user.id, created_at: new Date(now).toISOString(),
      name_id: id.nameId || null, name_id_format: id.nameIdFormat ?? null, session_index: id.sessionIndex ?? null,
      expires_at: new Date(now + ctx.config.sessionTtlSeconds * 1000).toISOString(),
    }).execute();
    await recordAudit(trx, { tenantId, actor: `user:${user.id}`, action: 'signin.saml', detail: { session: crypto.createHash('sha256').update(sessionToken).digest('hex').slice(0, 12) } });
    return { ok: true, sessionToken, userId: user.id, language: user.preferred_language } as const;
  });
}
