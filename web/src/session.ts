import { api, ApiError, type Me, type TenantInfo } from './api';

export interface Session { me?: Me; tenant?: TenantInfo }

/** Who this browser is signed in as: staff or client (/api/me), and/or the firm's console (/api/tenant). */
export async function loadSession(): Promise<Session> {
  const quiet = <T,>(p: Promise<T>) => p.catch((e: unknown) => {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return undefined;
    throw e;
  });
  const [me, tenant] = await Promise.all([quiet(api<Me>('GET', '/me', undefined, { quiet401: true })), quiet(api<TenantInfo>('GET', '/tenant', undefined, { quiet401: true }))]);
  return { me, tenant };
}

/** Ends every session this browser holds; each logout route is harmless without its cookie. */
export async function signOutEverywhere(): Promise<void> {
  await Promise.allSettled(['/logout', '/client/logout', '/tenant/logout'].map((p) => api('POST', p, undefined, { quiet401: true })));
}

/** Where a signed-in person starts. */
export function homeOf(s: Session): string {
  if (s.me?.kind === 'client') return '/client';
  if (s.me?.kind === 'staff') return s.me.userType === 'ADMIN' ? '/admin' : '/app';
  if (s.tenant) return '/console';
  return '/signin';
}
