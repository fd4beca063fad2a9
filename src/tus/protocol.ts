// The tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload): its headers as
// plain functions over header values, so they are checked the same way whatever serves them.
// SecureExchange implements the core protocol and the creation, termination and expiration extensions.
import { AppError, invalid } from '../errors.js';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination,expiration';
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

type Header = string | string[] | undefined;

const one = (h: Header): string | undefined => (Array.isArray(h) ? h.join(',') : h);

/** Every request but OPTIONS names the protocol version; another version is refused (core, 412). */
export function requireTusResumable(h: Header): void {
  if (one(h)?.trim() !== TUS_VERSION) throw new AppError('precondition', `Tus-Resumable: ${TUS_VERSION} is required`);
}

/** A non-negative decimal integer; no sign, no spaces, no exponent ("1e3" is not 1000). */
function nonNegative(name: string, h: Header): number {
  const raw = one(h)?.trim();
  if (raw === undefined || raw === '') throw invalid(`${name} is required`);
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw invalid(`${name} must be a non-negative integer`);
  return Number(raw);
}

/** Upload-Length at creation; above the limit is 413 (creation extension). Deferred lengths are not offered. */
export function uploadLength(h: Header, max: number): number {
  const raw = one(h)?.trim();
  if (raw !== undefined && /^\d{17,}$/.test(raw)) throw new AppError('too_large', `Upload-Length exceeds the maximum of ${max} bytes`);
  const n = nonNegative('Upload-Length', h);
  if (n > max) throw new AppError('too_large', `Upload-Length exceeds the maximum of ${max} bytes`);
  return n;
}

export const uploadOffset = (h: Header): number => nonNegative('Upload-Offset', h);

/** Content-Length when sent (a chunked body has none). */
export function contentLength(h: Header): number | undefined {
  const raw = one(h)?.trim();
  return raw === undefined || raw === '' ? undefined : nonNegative('Content-Length', raw);
}

/** PATCH bodies must be `application/offset+octet-stream` (core, 415 otherwise). */
export function requireOffsetStream(contentType: Header): void {
  const type = one(contentType)?.split(';')[0]?.trim().toLowerCase();
  if (type !== OFFSET_OCTET_STREAM) throw new AppError('unsupported', `PATCH bodies must be ${OFFSET_OCTET_STREAM}`);
}

const KEY = /^[\x21-\x2b\x2d-\x7e]{1,64}$/; // printable ASCII without space and comma
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Upload-Metadata: comma-separated `key base64(value)` pairs, a key once at most, the value optional
 * (creation extension). Values are decoded as UTF-8; a pair that is not well-formed is a 400.
 */
export function uploadMetadata(h: Header): Map<string, string> {
  const out = new Map<string, string>();
  const raw = one(h)?.trim();
  if (!raw) return out;
  const pairs = raw.split(',');
  if (pairs.length > 32) throw invalid('Upload-Metadata has too many pairs');
  for (const pair of pairs) {
    const [key, value = '', ...rest] = pair.trim().split(' ');
    if (!key || !KEY.test(key) || rest.length || !BASE64.test(value)) throw invalid('Upload-Metadata must be comma-separated "key base64value" pairs');
    if (out.has(key)) throw invalid(`Upload-Metadata names "${key}" twice`);
    try {
      out.set(key, utf8.decode(Buffer.from(value, 'base64')));
    } catch {
      throw invalid(`Upload-Metadata "${key}" is not UTF-8`);
    }
  }
  return out;
}

/** Upload-Expires is an RFC 9110 HTTP-date (expiration extension). */
export const httpDate = (iso: string): string => new Date(iso).toUTCString();
