// The only way the app talks to the server: the /api JSON API, same origin, cookies HttpOnly.

/** Sent on every write; the server refuses writes without it (src/http/routes/api/index.ts, CSRF). */
export const CSRF_HEADERS = { 'x-secure-exchange-csrf': '1' } as const;

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) { super(message); }
  get totpRequired(): boolean {
    return Boolean((this.body as { error?: { totpRequired?: boolean } } | undefined)?.error?.totpRequired);
  }
}

/** Fired when any call finds no session: the shell shows the sign-in page. */
export const SIGNED_OUT_EVENT = 'sx:signed-out';

export async function api<T = unknown>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = method === 'GET' ? {} : { ...CSRF_HEADERS };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network');
  }
  const text = await res.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? res.statusText;
    throw new ApiError(res.status, message, json);
  }
  return json as T;
}

export const query = (params: Record<string, string | number | boolean | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

export interface Me {
  kind: 'staff' | 'client'; tenantId: string; displayName: string; language?: string;
  userId?: string; userType?: 'ADMIN' | 'ADVISOR'; promotionPending?: boolean; clientId?: string; email?: string;
}
export interface TenantInfo {
  tenantId: string; name: string; username: string; defaultLanguage: string; scimUrl: string; samlUrl: string;
  metadataUrl: string; loginUrl: string; idpConfigured: boolean; totpEnabled: boolean;
}
export interface Person { id: string; displayName: string; active?: boolean }
export interface Exchange {
  id: string; title: string; state: string; effectiveState: string; expiresAt?: string | null; createdAt?: string;
  owner?: Person; deputies?: Person[]; needsReassignment?: boolean; documentCount?: number; relation?: string;
}
export interface DocumentItem {
  id: string; name: string; size: number; sha256: string; contentType?: string; version: number; versionCount: number;
  uploadedBy?: unknown; uploadedAt?: string; createdAt?: string;
}
