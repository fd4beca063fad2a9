import type { Browser } from '../peers/browser.js';

/** A JSON API call with the browser's cookies. */
export async function api(browser: Browser, base: string, method: string, path: string, body?: unknown) {
  const res = await browser.fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { status: res.status, body: json, headers: res.headers };
}

export async function uploadFile(browser: Browser, base: string, exchangeId: string, name: string, bytes: Uint8Array, field = 'file') {
  const form = new FormData();
  form.set(field, new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  const res = await browser.fetch(`${base}/api/exchanges/${exchangeId}/documents`, { method: 'POST', body: form });
  return { status: res.status, body: await res.json() as any };
}

export function sessionCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('sx_session='));
}
