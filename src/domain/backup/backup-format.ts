// The backup folder: manifest.json, one JSON-lines file per table (rows as the database holds them;
// binary values as {"$base64": …}) and the blobs as stored (encrypted; the keys that open them are
// wrapped in the rows). The master key is never part of it.
import path from 'node:path';

export const FORMAT = 'secure-exchange-backup/1';

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  tables: Array<{ name: string; rows: number; file: string }>;
  blobs: Array<{ key: string; bytes: number }>;
}

export const manifestPath = (dir: string) => path.join(dir, 'manifest.json');
export const tablePath = (dir: string, file: string) => path.join(dir, 'tables', file);
export const blobPath = (dir: string, key: string) => path.join(dir, 'blobs', key);

export function encodeRow(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { $base64: Buffer.from((v as { data: number[] }).data).toString('base64') };
    }
    return typeof v === 'bigint' ? Number(v) : v;
  });
}

export function decodeRow(line: string): Record<string, unknown> {
  return JSON.parse(line, (_k, v: unknown) =>
    v && typeof v === 'object' && typeof (v as { $base64?: unknown }).$base64 === 'string' ? Buffer.from((v as { $base64: string }).$base64, 'base64') : v) as Record<string, unknown>;
}
