import { parseUser, type ScimUser } from '../../scim/user-resource.js';
import type { Ctx } from '../context.js';
import { insertUser } from './write-user.js';

/** SCIM POST /Users. */
export async function provisionUser(ctx: Ctx, tenantId: string, body: unknown): Promise<{ user: ScimUser; ignored: string[] }> {
  const { fields, ignored } = parseUser(body);
  // A new user without `active` is active (Entra always sends it; other clients rely on the default).
  return { user: await insertUser(ctx, tenantId, { ...fields, active: fields.active ?? true }), ignored };
}
