// Read-only look into a test server's SQLite file, to prove what a refused request did not write.
import path from 'node:path';
import SQLite from 'better-sqlite3';

export function countRows(dataDir: string, table: string, where = '1 = 1', ...params: unknown[]): number {
  const db = new SQLite(path.join(dataDir, 'secure-exchange.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`select count(*) as n from ${table} where ${where}`).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}
