// Every error, whatever threw it, becomes one description here; each protocol (SCIM JSON, the JSON API,
// SAML pages) formats that description its own way. Nothing internal (stack, path, SQL) reaches a client.
import type { FastifyError } from 'fastify';
import { AppError, statusOf } from '../errors.js';

export interface Described {
  status: number;
  message: string;
  /** Protocol hint (SCIM scimType). */
  hint?: string;
  /** Seconds, for 429 and 503 answers. */
  retryAfter?: string;
  /** True for failures of ours (5xx): logged with their stack, answered with a generic message. */
  internal: boolean;
}

// SQLite's busy lock; PostgreSQL's serialization failure, deadlock, lock timeout, shutdown and lost
// connections (SQLSTATE classes 40, 55P03, 57P0x, 08), and a pool that cannot reach the server.
const TRANSIENT_DB_CODES = new Set([
  'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', '40001', '40P01', '55P03', '57P01', '57P02', '57P03',
  '08000', '08003', '08006', '08001', '08004', 'ECONNREFUSED', 'ECONNRESET',
]);

export function describe(err: unknown): Described {
  if (err instanceof AppError) {
    if (err.kind === 'too_many') return { status: 429, message: err.message, retryAfter: err.hint, internal: false };
    return { status: statusOf[err.kind], message: err.message, hint: err.hint, internal: false };
  }
  const fe = err as Partial<FastifyError> & { code?: string };
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return { status: 400, message: 'The request body is not valid JSON', hint: 'invalidSyntax', internal: false };
    }
    if (status === 413 || fe.code === 'FST_REQ_FILE_TOO_LARGE') return { status: 413, message: 'The request is too large', internal: false };
    if (status === 415) return { status: 415, message: 'Unsupported content type', internal: false };
    if (status === 429) return { status: 429, message: 'Too many requests; retry later', internal: false };
    // Fastify's own 4xx messages are written for clients and name no internals.
    return { status, message: fe.message ?? 'Bad request', internal: false };
  }
  // A text PostgreSQL cannot store (U+0000, which the HTTP layer refuses first): the client's input.
  if (fe.code === '22021' || fe.code === '22P05') return { status: 400, message: 'The request holds a character that cannot be stored', hint: 'invalidValue', internal: false };
  // The database refused for a moment (a deadlock PostgreSQL broke, a lock wait that timed out, a
  // connection lost in a restart): worth a retry, which SCIM clients such as Entra do on a 503.
  if (typeof fe.code === 'string' && TRANSIENT_DB_CODES.has(fe.code)) {
    return { status: 503, message: 'The database is busy; retry shortly', retryAfter: '1', internal: true };
  }
  return { status: 500, message: 'Internal error; the request id identifies it in the server log', internal: true };
}
