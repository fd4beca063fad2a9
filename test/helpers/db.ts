// Read-only look into a test server's database (SQLite or PostgreSQL), to prove what a refused request did not write.
import { openSync } from './test-database.js';

export function countRows(dataDir: string, table: string, where = '1 = 1', ...params: unknown[]): number {
  const db = openSync(dataDir, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table} where ${where}`).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}
