import { invalid } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

const NUL = '\u0000';

/**
 * null when `value` nests at most MAX_JSON_DEPTH deep and no text in it (key or value) holds U+0000,
 * else a 400; iterative, so itself stack-safe. PostgreSQL text cannot hold U+0000 (SQLite's can): the
 * same body is refused on both dialects instead of failing on one of them deep in a write.
 */
export function checkDepth(value: unknown): Error | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string' && v.includes(NUL)) return invalid('A text in the JSON body holds the character U+0000', 'invalidValue');
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) return invalid(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, 'invalidValue');
    for (const [key, child] of Object.entries(v)) {
      if (key.includes(NUL)) return invalid('A key in the JSON body holds the character U+0000', 'invalidValue');
      stack.push([child, depth + 1]);
    }
  }
  return null;
}
