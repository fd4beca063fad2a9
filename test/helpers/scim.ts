// SCIM calls shaped like Entra's (spec/entra-scim-habits.md): no User-Agent, application/scim+json.
import crypto from 'node:crypto';
import type { TenantValues } from './server.js';

export interface ScimAnswer { status: number; body: any; headers: Headers }

export async function scim(t: Pick<TenantValues, 'scimUrl' | 'bearerToken'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> {
  const res = await fetch(t.scimUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${t.bearerToken}`,
      ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The body Entra POSTs for a new user (enterprise URN in schemas, strings for booleans, roles: []). */
export function entraUser(over: { userName?: string; externalId?: string; userType?: string; givenName?: string } = {}) {
  const userName = over.userName ?? `user-${crypto.randomUUID().slice(0, 8)}@contoso.example`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: over.externalId ?? crypto.randomUUID(),
    userName,
    active: 'True',
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${over.givenName ?? 'Given'} Family`, familyName: 'Family', givenName: over.givenName ?? 'Given' },
    phoneNumbers: [{ type: 'mobile', value: '+41 79 555 01 01' }],
    roles: [],
    preferredLanguage: 'EN',
    userType: over.userType ?? 'ADVISOR',
  };
}

export const patchOp = (...ops: Array<Record<string, unknown>>) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});
