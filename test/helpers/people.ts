// The people of a tenant for API tests: a tenant whose IdP is the Entra-like signer (bench/saml-signer.ts,
// the local IdP's keys), staff provisioned by SCIM and signed in through the real ACS with a signed
// response (no SimpleSAMLphp round trip, every check of the ACS still applied), and an HTTP client per
// person that keeps its cookies.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { entraLikeMetadata, entraSigner } from '../../bench/saml-signer.js';
import { entraUser, scim } from './scim.js';
import { createTenant, type RunningServer, type TenantValues } from './server.js';

/** The header every state-changing /api request must carry (src/http/routes/api/index.ts, CSRF). */
export const CSRF = { 'x-secure-exchange-csrf': '1' } as const;
const CSRF_NAME = 'x-secure-exchange-csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Answer { status: number; body: any; headers: Headers; text: string }

/** An HTTP client with a cookie jar, speaking to the server as a browser on its own origin would. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly server: RunningServer) {}

  cookieHeader(): string { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }

  async fetch(method: string, p: string, init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Response> {
    // Like the web app, every write sends the CSRF header; a test of its absence passes it as ''.
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...(SAFE.has(method) ? {} : CSRF), ...init.headers };
    if (headers[CSRF_NAME] === '') delete headers[CSRF_NAME];
    let body = init.body;
    if (init.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(init.json); }
    const res = await fetch(this.server.url + p, { method, headers, body, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  async api(method: string, p: string, json?: unknown, headers?: Record<string, string>): Promise<Answer> {
    const res = await this.fetch(method, `/api${p}`, { json, headers });
    const text = await res.text();
    let body: unknown = text;
    try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
    return { status: res.status, body, headers: res.headers, text };
  }
}

export interface StaffMember { id: string; userName: string; externalId: string; browser: Browser }

export interface Firm {
  server: RunningServer;
  tenant: TenantValues;
  /** The tenant's own console session (username + password). */
  console: Browser;
  /** Provisions a staff member by SCIM (userType ADMIN or ADVISOR) and signs it in through the ACS. */
  staff(userType: 'ADMIN' | 'ADVISOR', opts?: { promote?: boolean; signIn?: boolean }): Promise<StaffMember>;
  /** Signs a provisioned member in again (a fresh session in a fresh browser). */
  signIn(member: { userName: string; externalId: string }): Promise<Browser>;
}

/** A tenant trusting the Entra-like signer, with its console signed in. */
export async function firm(server: RunningServer, name = `Firm ${crypto.randomUUID().slice(0, 8)}`): Promise<Firm> {
  const tenant = await createTenant(server, name);
  const metadata = path.join(server.dataDir, `idp-${tenant.tenantId}.xml`);
  fs.writeFileSync(metadata, entraLikeMetadata());
  const imported = await server.cli(['idp', 'import', '--tenant', tenant.tenantId, '--metadata', metadata]);
  assert.equal(imported.code, 0, imported.stderr);
  const console = new Browser(server);
  const login = await console.api('POST', '/tenant/login', { username: tenant.username, password: tenant.password });
  assert.equal(login.status, 200, login.text);
  const signer = entraSigner();

  async function signIn(member: { userName: string; externalId: string }): Promise<Browser> {
    const b = new Browser(server);
    const r = signer.sign({ acsUrl: tenant.samlUrl, audience: tenant.tenantId, upn: member.userName, objectId: member.externalId });
    const res = await b.fetch('POST', `/saml/${encodeURIComponent(tenant.tenantId)}/acs`, {
      body: new URLSearchParams({ SAMLResponse: r.samlResponse, RelayState: '/' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 303, `sign-in of ${member.userName}: ${res.status} ${await res.text()}`);
    assert.ok(b.cookies.has('sx_session'), 'a session cookie after sign-in');
    return b;
  }

  return {
    server, tenant, console, signIn,
    async staff(userType, opts = {}) {
      const userName = `${userType.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@contoso.example`;
      const externalId = crypto.randomUUID();
      const created = await scim(tenant, 'POST', '/Users', entraUser({ userName, externalId, userType }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      if (opts.promote) {
        const p = await console.api('POST', `/tenant/users/${id}/promote`);
        assert.equal(p.status, 200, p.text);
      }
      const browser = opts.signIn === false ? new Browser(server) : await signIn({ userName, externalId });
      return { id, userName, externalId, browser };
    },
  };
}
