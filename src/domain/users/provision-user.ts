import { parseUser, type ScimUser } from '../../scim/user-resource.js';
import type { Ctx } from '../context.js';
import { insertUser } from './write-user.js';

/** SCIM POST /Users. */
export async function provisionUser(ctx: Ctx, tenantId: string, body: unknown): Promise<{ user: ScimUser; ignored: string[] }> {
  const { fields, ignored } = parseUser(body);
  return { user: await insertUser(ctx, tenantId, fields), ignored };
}
