import { parseUser, type ScimUser } from '../../scim/user-resource.js';
import type { Ctx } from '../context.js';
import { updateUser } from './write-user.js';

/** SCIM PUT /Users/{id}: a full replace; attributes sent only at creation (externalId, language) stay when absent. */
export async function replaceUser(ctx: Ctx, tenantId: string, id: string, body: unknown, ifMatch?: string) {
  let ignored: string[] = [];
  const user: ScimUser = await updateUser(ctx, tenantId, id, ifMatch, (current) => {
    const parsed = parseUser(body);
    ignored = parsed.ignored;
    // A PUT that omits `active` never re-activates a deactivated user.
    return { ...parsed.fields, externalId: parsed.fields.externalId ?? current.externalId, active: parsed.fields.active ?? current.active };
  });
  return { user, ignored };
}
