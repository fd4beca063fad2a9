import { invalid } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

/** null when `value` nests at most MAX_JSON_DEPTH deep, else a 400; iterative, so itself stack-safe. */
export function checkDepth(value: unknown): Error | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) return invalid(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, 'invalidValue');
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return null;
}
