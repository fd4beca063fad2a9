// Discovery documents (RFC 7643 §5–7) that tell the truth about what this server does.
import { LANGUAGES, USER_SCHEMA, USER_TYPES } from './user-resource.js';

export const MAX_PAGE_SIZE = 200;
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return { schemas: [LIST], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/secure-exchange/secure-exchange#connecting-microsoft-entra-id',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'The secret token handed to the tenant (Entra: Provisioning → Secret Token).',
      primary: true,
    }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [{
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A firm\'s staff member: an admin or an advisor',
    schema: USER_SCHEMA,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  }];
}

interface AttrDef {
  name: string; type?: string; multiValued?: boolean; required?: boolean; caseExact?: boolean;
  mutability?: string; uniqueness?: string; canonicalValues?: readonly string[]; subAttributes?: AttrDef[];
  description?: string;
}

function attr(a: AttrDef): Record<string, unknown> {
  return {
    name: a.name, type: a.type ?? 'string', multiValued: a.multiValued ?? false, description: a.description ?? '',
    required: a.required ?? false, caseExact: a.caseExact ?? false, mutability: a.mutability ?? 'readWrite',
    returned: 'default', uniqueness: a.uniqueness ?? 'none',
    ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attr) } : {}),
  };
}

// Only what SecureExchange keeps, with its real mutability: userName can be set once (immutable).
const USER_ATTRIBUTES: AttrDef[] = [
  { name: 'userName', required: true, mutability: 'immutable', uniqueness: 'server', description: 'Unique per tenant, case-insensitive; set only at creation' },
  { name: 'externalId', caseExact: true, uniqueness: 'server', description: 'Entra objectId; matched against the SAML objectidentifier claim' },
  { name: 'active', type: 'boolean' },
  { name: 'displayName' },
  { name: 'name', type: 'complex', required: true, subAttributes: [
    { name: 'givenName', required: true }, { name: 'familyName', required: true }, { name: 'formatted' },
  ] },
  { name: 'emails', type: 'complex', multiValued: true, required: true, description: 'The work address is kept', subAttributes: [
    { name: 'value', required: true }, { name: 'type', canonicalValues: ['work'] }, { name: 'primary', type: 'boolean' },
  ] },
  { name: 'phoneNumbers', type: 'complex', multiValued: true, description: 'The mobile number is kept', subAttributes: [
    { name: 'value', required: true }, { name: 'type', canonicalValues: ['mobile'] },
  ] },
  { name: 'preferredLanguage', canonicalValues: LANGUAGES, description: 'EN, DE, FR or IT; absent: the tenant default' },
  { name: 'userType', canonicalValues: USER_TYPES, description: 'ADMIN or ADVISOR (Entra: SingleAppRoleAssignment); without it the user cannot sign in' },
];

export function schemas(baseUrl: string) {
  return [{
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: USER_SCHEMA,
    name: 'User',
    description: 'User Account',
    attributes: USER_ATTRIBUTES.map(attr),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` },
  }];
}
