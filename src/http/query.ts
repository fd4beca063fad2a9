// Query-string reading for the JSON API: one value per name, whole numbers for paging, closed lists.
import { invalid } from '../errors.js';

export type Query = Record<string, string | string[] | undefined>;

export function oneValue(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw invalid(`"${name}" may be given only once`);
  return v || undefined;
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = oneValue(q, name);
  if (v !== undefined && !allowed.includes(v as T)) throw invalid(`"${name}" must be one of ${allowed.join(', ')}`);
  return v as T | undefined;
}

export function booleanValue(q: Query, name: string): boolean | undefined {
  const v = oneOf(q, name, ['true', 'false']);
  return v === undefined ? undefined : v === 'true';
}

/** `startIndex` (1-based) and `count` (0 … max; above max is capped, as SCIM does). */
export function page(q: Query, fallbackCount: number, max: number): { startIndex: number; count: number } {
  const num = (name: string, fallback: number, min: number, hi: number) => {
    const raw = oneValue(q, name);
    if (raw === undefined) return fallback;
    if (!/^\d{1,9}$/.test(raw)) throw invalid(`"${name}" must be a whole number`);
    return Math.min(Math.max(Number(raw), min), hi);
  };
  return { startIndex: num('startIndex', 1, 1, 2 ** 31), count: num('count', fallbackCount, 0, max) };
}
