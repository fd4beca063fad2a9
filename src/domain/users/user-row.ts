import type { Selectable } from 'kysely';
import type { Language, ScimUser, UserFields, UserType } from '../../scim/user-resource.js';
import type { Database } from '../../storage/db/index.js';

export type UserRow = Selectable<Database['users']>;

export function rowToUser(r: UserRow): ScimUser {
  return {
    id: r.id,
    userName: r.user_name,
    externalId: r.external_id ?? undefined,
    active: r.active === 1,
    givenName: r.given_name,
    familyName: r.family_name,
    formattedName: r.formatted_name ?? undefined,
    displayName: r.display_name ?? undefined,
    email: r.email,
    mobile: r.mobile ?? undefined,
    preferredLanguage: r.preferred_language as Language,
    userType: (r.user_type ?? undefined) as UserType | undefined,
    version: r.version,
    created: r.created_at,
    lastModified: r.updated_at,
  };
}

/** The columns a SCIM write sets (everything but identity, tenant and timestamps). */
export function fieldsToColumns(f: UserFields & { preferredLanguage: Language }) {
  return {
    user_name: f.userName,
    user_name_key: f.userName.toLowerCase(),
    external_id: f.externalId ?? null,
    active: f.active ? 1 : 0,
    given_name: f.givenName,
    family_name: f.familyName,
    formatted_name: f.formattedName ?? null,
    display_name: f.displayName ?? null,
    email: f.email,
    mobile: f.mobile ?? null,
    preferred_language: f.preferredLanguage,
    user_type: f.userType ?? null,
  };
}
