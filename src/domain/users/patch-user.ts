import { applyPatch } from '../../scim/patch.js';
import { parseUser, toScim, type ScimUser } from '../../scim/user-resource.js';
import type { Ctx } from '../context.js';
import { updateUser } from './write-user.js';

/** SCIM PATCH /Users/{id}: the operations apply to the stored resource, and the result is read like a PUT. */
export async function patchUser(ctx: Ctx, tenantId: string, id: string, body: unknown, ifMatch?: string) {
  let ignored: string[] = [];
  const user: ScimUser = await updateUser(ctx, tenantId, id, ifMatch, (current) => {
    const parsed = parseUser(applyPatch(toScim(current, ''), body));
    ignored = parsed.ignored;
    // `remove active` leaves the user without access rather than falling back to a default of true.
    return { ...parsed.fields, active: parsed.fields.active ?? false };
  });
  return { user, ignored };
}
