// SCIM filter grammar (RFC 7644 §3.4.2.2) → a small AST. Written here rather than taken from scimmy,
// whose parser inverts `active eq True`, truncates unquoted values (Entra sends `externalId eq jyoung`)
// and mis-handles `not (…)`; see the closing note of issue 2. Knows nothing of SQL: the data layer
// translates the AST, the PATCH engine evaluates it over one resource's own values.
import { invalid } from '../errors.js';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Value = string | number | boolean | null;

export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'compare'; path: string; op: CompareOp; value: Value }
  | { kind: 'present'; path: string }
  /** `emails[type eq "work"]`: `filter` applies to each element of the multi-valued `attr`. */
  | { kind: 'valuePath'; attr: string; filter: Filter };

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_LENGTH = 4096;
const MAX_DEPTH = 32;

type Token =
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: '(' | ')' | '[' | ']' };

const bad = (msg: string) => invalid(`Invalid filter: ${msg}`, 'invalidFilter');

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === '[' || c === ']') { out.push({ t: c }); i++; continue; }
    if (c === '"') {
      // A JSON string literal, so escapes (\" \\ \u00e9) mean what RFC 7644 says they mean.
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw bad('unterminated string');
      try {
        out.push({ t: 'string', v: JSON.parse(input.slice(i, j + 1)) as string });
      } catch {
        throw bad(`bad escape in ${input.slice(i, j + 1)}`);
      }
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < input.length && !/[\s()[\]"]/.test(input[j]!)) j++;
    out.push({ t: 'word', v: input.slice(i, j) });
    i = j;
  }
  return out;
}

const ATTR_PATH = /^(urn:[A-Za-z0-9.:_-]+:)?[A-Za-z][A-Za-z0-9_$-]*(\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

/** Lower-cases an attribute path (attribute names are case-insensitive, RFC 7643 §2.1) and checks its form. */
export function normalizePath(raw: string): string {
  if (!ATTR_PATH.test(raw)) throw bad(`"${raw}" is not an attribute path`);
  return raw.toLowerCase();
}

function literal(tok: Token | undefined): Value {
  if (!tok) throw bad('a comparison value is missing');
  if (tok.t === 'string') return tok.v;
  if (tok.t !== 'word') throw bad('a comparison value is missing');
  const w = tok.v, lw = w.toLowerCase();
  if (lw === 'true') return true;
  if (lw === 'false') return false;
  if (lw === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(w) && !/^-?0\d/.test(w)) return Number(w);
  // Unquoted value: not RFC, but Microsoft's own documentation sends `externalId eq jyoung`.
  return w;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peekWord(): string | undefined {
    const t = this.toks[this.i];
    return t && t.t === 'word' ? t.v.toLowerCase() : undefined;
  }

  parse(): Filter {
    const f = this.or(0);
    if (this.i < this.toks.length) throw bad(`unexpected "${describe(this.toks[this.i]!)}"`);
    return f;
  }

  private or(depth: number): Filter {
    let left = this.and(depth);
    while (this.peekWord() === 'or') { this.i++; left = { kind: 'or', left, right: this.and(depth) }; }
    return left;
  }

  private and(depth: number): Filter {
    let left = this.unary(depth);
    while (this.peekWord() === 'and') { this.i++; left = { kind: 'and', left, right: this.unary(depth) }; }
    return left;
  }

  private unary(depth: number): Filter {
    if (depth > MAX_DEPTH) throw bad('nested too deeply');
    const tok = this.toks[this.i];
    if (!tok) throw bad('an expression is missing');
    if (tok.t === 'word' && tok.v.toLowerCase() === 'not' && this.toks[this.i + 1]?.t === '(') {
      this.i++;
      return { kind: 'not', filter: this.group(depth + 1) };
    }
    if (tok.t === '(') return this.group(depth + 1);
    if (tok.t !== 'word') throw bad(`unexpected "${describe(tok)}"`);
    this.i++;
    if (this.toks[this.i]?.t === '[') {
      const attr = normalizePath(tok.v);
      this.i++;
      const filter = this.or(depth + 1);
      if (this.toks[this.i]?.t !== ']') throw bad('missing "]"');
      this.i++;
      // `emails[type eq "work"].value eq "x"`: the comparison applies to the same element.
      const next = this.toks[this.i];
      if (next?.t === 'word' && next.v.startsWith('.')) {
        this.i++;
        const sub = normalizePath(next.v.slice(1));
        const op = this.peekWord();
        if (op === 'pr') { this.i++; return { kind: 'valuePath', attr, filter: { kind: 'and', left: filter, right: { kind: 'present', path: sub } } }; }
        if (!op || !COMPARE_OPS.has(op)) throw bad(`unknown operator after ${next.v}`);
        this.i++;
        const compare: Filter = { kind: 'compare', path: sub, op: op as CompareOp, value: literal(this.toks[this.i++]) };
        return { kind: 'valuePath', attr, filter: { kind: 'and', left: filter, right: compare } };
      }
      return { kind: 'valuePath', attr, filter };
    }
    const path = normalizePath(tok.v);
    const op = this.peekWord();
    if (op === 'pr') { this.i++; return { kind: 'present', path }; }
    if (!op || !COMPARE_OPS.has(op)) throw bad(`unknown operator after ${tok.v}`);
    this.i++;
    const valueTok = this.toks[this.i++];
    return { kind: 'compare', path, op: op as CompareOp, value: literal(valueTok) };
  }

  private group(depth: number): Filter {
    if (this.toks[this.i]?.t !== '(') throw bad('missing "("');
    this.i++;
    const f = this.or(depth);
    if (this.toks[this.i]?.t !== ')') throw bad('missing ")"');
    this.i++;
    return f;
  }
}

function describe(t: Token): string {
  return t.t === 'word' || t.t === 'string' ? t.v : t.t;
}

export function parseFilter(input: string): Filter {
  if (input.length > MAX_LENGTH) throw bad(`longer than ${MAX_LENGTH} characters`);
  if (!input.trim()) throw bad('empty');
  // No stored text can hold U+0000 (PostgreSQL refuses it), so such a filter is refused, not run.
  if (input.includes('\u0000')) throw bad('holds the character U+0000');
  return new Parser(tokenize(input)).parse();
}

/** Parses a PATCH path: `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]`, `attr[filter].sub`. */
export function parsePatchPath(input: string): { attr: string; filter?: Filter; sub?: string } {
  const bracket = input.indexOf('[');
  if (bracket < 0) {
    const p = normalizePath(input.trim());
    const dot = p.startsWith('urn:') ? -1 : p.indexOf('.');
    return dot < 0 ? { attr: p } : { attr: p.slice(0, dot), sub: p.slice(dot + 1) };
  }
  const close = input.lastIndexOf(']');
  if (close < bracket) throw invalid(`Invalid path "${input}"`, 'invalidPath');
  const attr = normalizePath(input.slice(0, bracket).trim());
  const filter = parseFilter(input.slice(bracket + 1, close));
  const rest = input.slice(close + 1).trim();
  if (rest && !/^\.[A-Za-z][A-Za-z0-9_$-]*$/.test(rest)) throw invalid(`Invalid path "${input}"`, 'invalidPath');
  return rest ? { attr, filter, sub: rest.slice(1).toLowerCase() } : { attr, filter };
}

/** Evaluates a filter over one element of a multi-valued attribute (PATCH value paths). */
export function matchesElement(filter: Filter, element: Record<string, unknown>): boolean {
  switch (filter.kind) {
    case 'and': return matchesElement(filter.left, element) && matchesElement(filter.right, element);
    case 'or': return matchesElement(filter.left, element) || matchesElement(filter.right, element);
    case 'not': return !matchesElement(filter.filter, element);
    case 'present': {
      const v = lookup(element, filter.path);
      return v !== undefined && v !== null && v !== '';
    }
    case 'valuePath': return false;
    case 'compare': return compare(lookup(element, filter.path), filter.op, filter.value);
  }
}

function lookup(element: Record<string, unknown>, path: string): unknown {
  const key = Object.keys(element).find((k) => k.toLowerCase() === path);
  return key === undefined ? undefined : element[key];
}

function compare(actual: unknown, op: CompareOp, expected: Value): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = actual.toLowerCase(), e = expected.toLowerCase();
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
    }
  }
  const norm = (v: unknown) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v);
  if (typeof actual === 'object' && actual !== null) return false;
  if (op === 'eq') return norm(actual) === norm(expected);
  if (op === 'ne') return norm(actual) !== norm(expected);
  return false;
}

/** The `eq` constraints of a filter, e.g. `type eq "mobile"` → {type: "mobile"}: what a new element must carry. */
export function equalities(filter: Filter): Record<string, Value> {
  if (filter.kind === 'compare' && filter.op === 'eq') return { [filter.path]: filter.value };
  if (filter.kind === 'and') return { ...equalities(filter.left), ...equalities(filter.right) };
  return {};
}
