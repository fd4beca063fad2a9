// Helpers for the tenant console and audit tests: TOTP codes at chosen time steps, an RFC 4180 CSV
// reader (to read exports back), and write access to a test server's database (to tamper with it).
import { currentTotp } from '../../src/storage/crypto/totp.js';
import { openSync, type SyncDb } from './test-database.js';

/** The code of the time step `offset` steps after the one `t0` (seconds) falls in. */
export const codeAt = (secret: string, t0: number, offset = 0) => currentTotp(secret, t0 + offset * 30);

/** A 6-digit code that none of the steps around `t0` produce: certainly wrong. */
export async function wrongCode(secret: string, t0: number): Promise<string> {
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2, 3].map((o) => codeAt(secret, t0, o))));
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

/** RFC 4180: records end in CRLF, quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Runs `fn` on the server's database opened for writing (SQLite's WAL: safe beside the running server). */
export function withDatabase<T>(dataDir: string, fn: (db: SyncDb) => T): T {
  const db = openSync(dataDir);
  db.pragma('busy_timeout = 5000');
  try { return fn(db); } finally { db.close(); }
}
