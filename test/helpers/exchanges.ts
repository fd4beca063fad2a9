// Exchange helpers for API tests: uploads, a look at (and, for expiry, a write into) the server's
// database, and a snapshot of everything a refused write must leave alone.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { firm, type Answer, type Browser, type StaffMember } from './people.js';
import type { RunningServer } from './server.js';
import { openSync } from './test-database.js';

export async function upload(b: Browser, exchangeId: string, name = 'a.pdf', bytes: Uint8Array = Buffer.from('confidential bytes')): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  const res = await b.fetch('POST', `/api/exchanges/${exchangeId}/documents`, { body: form });
  const text = await res.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body, headers: res.headers, text };
}

/** A new version of a document, as a browser form would send it. */
export async function uploadVersion(b: Browser, exchangeId: string, documentId: string, bytes: Uint8Array = Buffer.from('revised bytes')): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'revised.pdf');
  const res = await b.fetch('POST', `/api/exchanges/${exchangeId}/documents/${documentId}/versions`, { body: form });
  const text = await res.text();
  let body: unknown = text;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body, headers: res.headers, text };
}

/** The current version's bytes, or those of version `version`. */
export async function download(b: Browser, exchangeId: string, documentId: string, version?: number): Promise<Answer> {
  const res = await b.fetch('GET', `/api/exchanges/${exchangeId}/documents/${documentId}/${version === undefined ? '' : `versions/${version}/`}content`);
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* bytes */ }
  return { status: res.status, body, headers: res.headers, text };
}

/** Reads from the running server's database (WAL: readers never block it). */
export function query<T = Record<string, unknown>>(server: RunningServer, sql: string, ...params: unknown[]): T[] {
  const db = openSync(server.dataDir, { readonly: true });
  try { return db.prepare(sql).all(...params) as T[]; } finally { db.close(); }
}

/** Writes into the running server's database: only for what no API may do, such as a past expiry. */
export function execute(server: RunningServer, sql: string, ...params: unknown[]): void {
  const db = openSync(server.dataDir);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(sql).run(...params);
  } finally { db.close(); }
}

/** Everything about one exchange a refused request must not change, plus the tenant-wide counts. */
export function snapshot(server: RunningServer, exchangeId: string): string {
  return JSON.stringify({
    exchange: query(server, 'select * from exchanges where id = ?', exchangeId),
    deputies: query(server, 'select user_id from exchange_deputies where exchange_id = ? order by user_id', exchangeId),
    documents: query(server, 'select id, deleted_at, version_count from documents where exchange_id = ? order by id', exchangeId),
    exchanges: query(server, 'select count(*) as n from exchanges'),
    audit: query(server, 'select count(*) as n from audit_log'),
  });
}

/** Every blob file in the server's store (the two-character folders under blobs/). */
export function blobFiles(server: RunningServer): string[] {
  const root = path.join(server.dataDir, 'blobs');
  return fs.readdirSync(root).filter((d) => d.length === 2).flatMap((d) => fs.readdirSync(path.join(root, d)));
}

/** A new firm's advisor, signed in, with one open exchange of its own: the start of most document tests. */
export async function advisorWithExchange(server: RunningServer, title: string): Promise<{ owner: StaffMember; exchangeId: string }> {
  const owner = await (await firm(server)).staff('ADVISOR');
  const x = await owner.browser.api('POST', '/exchanges', { title });
  assert.equal(x.status, 201, x.text);
  return { owner, exchangeId: x.body.id };
}
