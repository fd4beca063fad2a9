// The SCIM User as SecureExchange keeps it (DESIGN.md, SCIM table), read with Entra's habits
// (spec/entra-scim-habits.md): attribute names in any case, "True"/"False" strings, nulls as absent,
// userType at top level or under any extension URN, unknown attributes ignored (and reported) rather
// than rejected, because one unwanted mapping must not fail a whole provisioning cycle.
import { invalid } from '../errors.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const LANGUAGES = ['EN', 'DE', 'FR', 'IT'] as const;
export const USER_TYPES = ['ADMIN', 'ADVISOR'] as const;
export type Language = (typeof LANGUAGES)[number];
export type UserType = (typeof USER_TYPES)[number];

/** The fields a SCIM write can set. */
export interface UserFields {
  userName: string;
  externalId: string | undefined;
  active: boolean;
  givenName: string;
  familyName: string;
  formattedName: string | undefined;
  displayName: string | undefined;
  email: string;
  /** Optional at the protocol level (the guide asks Entra for it; the tenant's setup check names users without). */
  mobile: string | undefined;
  /** Undefined when not sent: on create the tenant default applies, on replace the stored value stays. */
  preferredLanguage: Language | undefined;
  /** Undefined when Entra sends no app role: the user is kept but cannot sign in until it has one. */
  userType: UserType | undefined;
}

/** What a SCIM body said: `active` undefined when absent, so each write decides what absence means. */
export interface ReadFields extends Omit<UserFields, 'active'> {
  active: boolean | undefined;
}

/** A stored user as the SCIM layer sees it. */
export interface ScimUser extends UserFields {
  id: string;
  preferredLanguage: Language;
  version: number;
  created: string;
  lastModified: string;
}

const KNOWN = new Set([
  'schemas', 'id', 'externalid', 'username', 'active', 'name', 'displayname', 'emails', 'phonenumbers',
  'preferredlanguage', 'usertype', 'meta', 'roles',
]);
// Simple on purpose: a stricter pattern would reject addresses Entra legitimately holds.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_STRING = 1024;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A scalar as text, anything else as ''. Never String(v) on client data: {"toString": 1} makes that throw. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Case-insensitive property read; null counts as absent (Entra and some clients send explicit nulls). */
export function prop(obj: Json, name: string): unknown {
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower && obj[k] !== null) return obj[k];
  return undefined;
}

function str(v: unknown, attr: string, { required }: { required: boolean }): string | undefined {
  if (v === undefined || v === '') {
    if (required) throw invalid(`Required attribute "${attr}" is missing`, 'invalidValue');
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`Attribute "${attr}" must be a string`, 'invalidValue');
  if (v.length > MAX_STRING) throw invalid(`Attribute "${attr}" is longer than ${MAX_STRING} characters`, 'invalidValue');
  // A lone surrogate cannot be stored or sent back as it came: refuse it rather than alter it.
  if (!v.isWellFormed()) throw invalid(`Attribute "${attr}" is not well-formed Unicode`, 'invalidValue');
  if (required && !v.trim()) throw invalid(`Required attribute "${attr}" is empty`, 'invalidValue');
  return v;
}

export function parseBoolean(v: unknown, attr: string): boolean {
  if (typeof v === 'boolean') return v;
  // Entra's default PATCH shape sends "True"/"False".
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalid(`Attribute "${attr}" must be a boolean`, 'invalidValue');
}

/** Picks the element of a multi-valued attribute: the one of `type`, else the primary one, else the only one. */
function pick(list: unknown, attr: string, type: string): Json | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw invalid(`Attribute "${attr}" must be an array`, 'invalidValue');
  const items = list.filter(isObject);
  return items.find((e) => asText(prop(e, 'type')).toLowerCase() === type)
    ?? items.find((e) => asText(prop(e, 'primary')).toLowerCase() === 'true')
    ?? (items.length === 1 && prop(items[0]!, 'type') === undefined ? items[0] : undefined);
}

/**
 * An enumerated value in any case. A value outside the list is set aside (reported in `ignored`, so the
 * tenant's provisioning log names it) rather than failing the user: Entra would retry the whole user
 * every cycle and eventually quarantine the job over one mis-set mapping.
 */
function enumValue<T extends string>(v: unknown, attr: string, allowed: readonly T[], ignored: string[]): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`Attribute "${attr}" must be a string`, 'invalidValue');
  const upper = v.trim().toUpperCase();
  if (!(allowed as readonly string[]).includes(upper)) {
    ignored.push(`${attr} "${v.slice(0, 40)}" (expected ${allowed.join(', ')})`);
    return undefined;
  }
  return upper as T;
}

/** userType at top level, or nested under any extension URN (a tenant that created it as a custom attribute). */
function findUserType(body: Json): unknown {
  const top = prop(body, 'userType');
  if (top !== undefined) return top;
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase().startsWith('urn:') && isObject(v)) {
      const nested = prop(v, 'userType');
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

export interface ParsedUser {
  fields: ReadFields;
  /** Attributes received that SecureExchange does not keep (noted in the provisioning log). */
  ignored: string[];
}

export function parseUser(body: unknown): ParsedUser {
  if (!isObject(body)) throw invalid('The request body must be a JSON object', 'invalidSyntax');
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    const lk = k.toLowerCase();
    if (KNOWN.has(lk) || v === null) continue;
    if (lk.startsWith('urn:') && isObject(v)) {
      for (const sub of Object.keys(v)) if (sub.toLowerCase() !== 'usertype') ignored.push(`${k}:${sub}`);
      continue;
    }
    ignored.push(k);
  }

  const name = prop(body, 'name');
  if (name !== undefined && !isObject(name)) throw invalid('Attribute "name" must be an object', 'invalidValue');
  const nameObj: Json = name ?? {};
  const email = pick(prop(body, 'emails'), 'emails', 'work');
  const phone = pick(prop(body, 'phoneNumbers'), 'phoneNumbers', 'mobile');
  const active = prop(body, 'active');

  const emailValue = str(email && prop(email, 'value'), 'emails[type eq "work"].value', { required: true })!;
  if (!EMAIL.test(emailValue)) throw invalid(`Attribute emails[type eq "work"].value is not a valid address`, 'invalidValue');
  const userType = enumValue(findUserType(body), 'userType', USER_TYPES, ignored);

  return {
    ignored,
    fields: {
      userName: str(prop(body, 'userName'), 'userName', { required: true })!.trim(),
      externalId: str(prop(body, 'externalId'), 'externalId', { required: false }),
      active: active === undefined ? undefined : parseBoolean(active, 'active'),
      givenName: str(prop(nameObj, 'givenName'), 'name.givenName', { required: true })!,
      familyName: str(prop(nameObj, 'familyName'), 'name.familyName', { required: true })!,
      formattedName: str(prop(nameObj, 'formatted'), 'name.formatted', { required: false }),
      displayName: str(prop(body, 'displayName'), 'displayName', { required: false }),
      email: emailValue,
      mobile: str(phone && prop(phone, 'value'), 'phoneNumbers[type eq "mobile"].value', { required: false }),
      preferredLanguage: enumValue(prop(body, 'preferredLanguage'), 'preferredLanguage', LANGUAGES, ignored),
      userType,
    },
  };
}

/** The resource as SCIM answers it (RFC 7643 §4.1), `meta.version` being the ETag. */
export function toScim(user: ScimUser, location: string): Json {
  const name: Json = { givenName: user.givenName, familyName: user.familyName };
  if (user.formattedName) name.formatted = user.formattedName;
  const out: Json = {
    schemas: [USER_SCHEMA],
    id: user.id,
    userName: user.userName,
    active: user.active,
    name,
    emails: [{ value: user.email, type: 'work', primary: true }],
    ...(user.mobile ? { phoneNumbers: [{ value: user.mobile, type: 'mobile' }] } : {}),
    preferredLanguage: user.preferredLanguage,
    ...(user.userType ? { userType: user.userType } : {}),
    meta: {
      resourceType: 'User',
      created: user.created,
      lastModified: user.lastModified,
      version: etag(user.version),
      location,
    },
  };
  if (user.externalId !== undefined) out.externalId = user.externalId;
  if (user.displayName) out.displayName = user.displayName;
  return out;
}

export const etag = (version: number) => `W/"${version}"`;
