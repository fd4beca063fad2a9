// A hand-written tus 1.0 client for API tests: each request spelled out, so a test says exactly which
// header it sends or leaves out; plus a PATCH whose connection is cut after N bytes of its body.
import http from 'node:http';
import { CSRF, type Answer, type Browser } from './people.js';

export const TUS = { 'tus-resumable': '1.0.0' } as const;
export const OCTETS = 'application/offset+octet-stream';

/** Upload-Metadata: `key base64(value)` pairs. */
export const metadata = (pairs: Record<string, string>): string =>
  Object.entries(pairs).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body, headers: res.headers, text };
}

export async function createUpload(b: Browser, exchangeId: string, length: number | string, meta: Record<string, string> = { filename: 'file.bin' }, headers: Record<string, string> = TUS): Promise<Answer> {
  return answer(await b.fetch('POST', `/api/exchanges/${exchangeId}/uploads`, {
    headers: { ...headers, 'upload-length': String(length), 'upload-metadata': metadata(meta) },
  }));
}

export const headUpload = async (b: Browser, location: string, headers: Record<string, string> = TUS): Promise<Answer> =>
  answer(await b.fetch('HEAD', location, { headers }));

export async function patchUpload(b: Browser, location: string, offset: number | string, body: BodyInit, headers: Record<string, string> = {}): Promise<Answer> {
  // fetch itself (not Browser.fetch): a stream body (sent chunked, without Content-Length) needs `duplex`.
  const init = {
    method: 'PATCH', body, duplex: 'half',
    headers: { cookie: b.cookieHeader(), ...CSRF, ...TUS, 'content-type': OCTETS, 'upload-offset': String(offset), ...headers },
  };
  return answer(await fetch(b.server.url + location, init as RequestInit));
}

export async function offsetOf(b: Browser, location: string): Promise<number> {
  const h = await headUpload(b, location);
  if (h.status !== 200) throw new Error(`HEAD ${location}: ${h.status}`);
  return Number(h.headers.get('upload-offset'));
}

/**
 * Waits until no PATCH of the upload is running any more (a cut one may still be finishing on the
 * server) and returns its offset: an empty PATCH at the reported offset succeeds only then.
 */
export async function settledOffset(b: Browser, location: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const offset = await offsetOf(b, location);
    if ((await patchUpload(b, location, offset, new Uint8Array(0))).status === 204) return offset;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the upload never settled');
}

/** A PATCH announcing all of `body` whose connection is destroyed after `cutAt` bytes of it. */
export function cutPatch(b: Browser, location: string, offset: number, body: Buffer, cutAt: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: b.server.port, method: 'PATCH', path: location,
      headers: { cookie: b.cookieHeader(), ...CSRF, ...TUS, 'content-type': OCTETS, 'upload-offset': String(offset), 'content-length': String(body.length) },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => reject(new Error(`the cut PATCH was answered (${res.statusCode})`)));
    req.write(body.subarray(0, cutAt), () => setTimeout(() => { req.destroy(); resolve(); }, 20));
  });
}

/** A PATCH whose body is sent in two parts; `between` runs while the request is open. `chunked`: no Content-Length. */
export function slowPatch(b: Browser, location: string, offset: number, first: Buffer, second: Buffer, between: () => Promise<void>, opts: { chunked?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const length: Record<string, string> = opts.chunked ? {} : { 'content-length': String(first.length + second.length) };
    const req = http.request({
      host: '127.0.0.1', port: b.server.port, method: 'PATCH', path: location,
      headers: { cookie: b.cookieHeader(), ...CSRF, ...TUS, 'content-type': OCTETS, 'upload-offset': String(offset), ...length },
    });
    req.on('error', reject);
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.write(first, () => { between().then(() => req.end(second), reject); });
  });
}
