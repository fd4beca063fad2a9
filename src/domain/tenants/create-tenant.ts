import crypto from 'node:crypto';
import { tenantUrls } from '../../config.js';
import { conflict, invalid } from '../../errors.js';
import { LANGUAGES, type Language } from '../../scim/user-resource.js';
import { newKey, wrapKey } from '../../storage/crypto/keys.js';
import { hashPassword, randomSecret, sha256Hex } from '../../storage/crypto/passwords.js';
import { isUniqueViolation, nowIso } from '../../storage/db/index.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Ctx } from '../context.js';

// Letters, digits, - _ : and . (issue 2): safe in URLs and usable as an Entra Identifier.
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/;

export interface NewTenant {
  tenantId: string;
  scimUrl: string;
  samlUrl: string;
  bearerToken: string;
  username: string;
  password: string;
}

export async function createTenant(ctx: Ctx, input: { name: string; id?: string; language?: string }): Promise<NewTenant> {
  const name = input.name?.trim();
  if (!name) throw invalid('--name must not be empty');
  if (name.length > 200) throw invalid('--name must be at most 200 characters');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('--name must not contain control characters (such as line breaks)');
  const id = input.id ?? crypto.randomUUID();
  if (!TENANT_ID.test(id)) throw invalid(`--id "${id}" may hold only letters, digits, "-", "_", ":" and "." (at most 128, starting with a letter or digit)`);
  const language = (input.language ?? 'EN').toUpperCase();
  if (!(LANGUAGES as readonly string[]).includes(language)) throw invalid(`--language must be one of ${LANGUAGES.join(', ')}`);

  const existing = await ctx.db.selectFrom('tenants').select(['id', 'name'])
    // Case-insensitively: "Acme" and "acme" as two tenants would only confuse operators and firms.
    .where((eb) => eb.or([eb(eb.fn('lower', ['id']), '=', id.toLowerCase()), eb(eb.fn('lower', ['name']), '=', name.toLowerCase())]))
    .executeTakeFirst();
  if (existing) {
    throw conflict(existing.id.toLowerCase() === id.toLowerCase()
      ? `a tenant with id "${existing.id}" already exists`
      : `a tenant named "${existing.name}" already exists`);
  }

  const bearerToken = randomSecret(32);
  const password = randomSecret(18);
  const username = `${id}-tenant`;
  const now = nowIso();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('tenants').values({
        id, name, default_language: language as Language, username, password_hash: await hashPassword(password),
        wrapped_key: wrapKey(ctx.masterKey, newKey(), `tenant:${id}`), created_at: now,
      }).execute();
      await trx.insertInto('scim_tokens').values({
        id: crypto.randomUUID(), tenant_id: id, token_hash: sha256Hex(bearerToken), created_at: now, last_used_at: null, revoked_at: null,
      }).execute();
      await recordAudit(trx, { tenantId: id, actor: 'operator', action: 'tenant.create', target: id, detail: { name, language } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a tenant with id "${id}" or name "${name}" already exists`);
    throw err;
  }
  const urls = tenantUrls(ctx.config, id);
  return { tenantId: id, scimUrl: urls.scimUrl, samlUrl: urls.samlUrl, bearerToken, username, password };
}
