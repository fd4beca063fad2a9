// SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON form, with Entra's habits
// (spec/entra-scim-habits.md, "Update"): ops in any case, path-less values whose keys are dotted or
// URN paths, value-path filters that create the element when none matches (the strict `noTarget`
// error would fail every later cycle), removes that match nothing as no-ops, an empty Operations list
// as a no-op. The result is validated again by the same reader as POST and PUT, so a PATCH can
// never store what a POST could not; the write is all-or-nothing because nothing is stored until then.
import { invalid } from '../errors.js';
import { equalities, matchesElement, parsePatchPath, type Filter } from './filter.js';
import { asText, USER_SCHEMA } from './user-resource.js';

type Json = Record<string, unknown>;
type Op = 'add' | 'replace' | 'remove';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const CORE_PREFIX = USER_SCHEMA.toLowerCase() + ':';
const READ_ONLY = new Set(['id', 'meta', 'schemas']);
const MAX_OPERATIONS = 1000;

function keyOf(obj: Json, name: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
}
function getProp(obj: Json, name: string): unknown {
  const k = keyOf(obj, name);
  return k === undefined ? undefined : obj[k];
}
function setProp(obj: Json, name: string, value: unknown) {
  obj[keyOf(obj, name) ?? name] = value;
}
function deleteProp(obj: Json, name: string) {
  const k = keyOf(obj, name);
  if (k !== undefined) delete obj[k];
}

/** Merges sub-attributes (RFC 7644 §3.5.2.3: unspecified sub-attributes of a complex value stay). */
function merge(target: unknown, value: unknown): unknown {
  if (!isObject(target) || !isObject(value)) return structuredClone(value);
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(value)) setProp(out, k, structuredClone(v));
  return out;
}

interface Target { attr: string; sub?: string; filter?: Filter; extension?: string }

/** Resolves a path, mapping URN forms: the core URN is stripped, userType under any extension is core. */
function resolve(path: string): Target {
  const trimmed = path.trim();
  if (trimmed.toLowerCase().startsWith('urn:')) {
    if (trimmed.toLowerCase().startsWith(CORE_PREFIX)) return resolve(trimmed.slice(CORE_PREFIX.length));
    // The dot in "2.0" is not a separator: the attribute is what follows the last colon.
    const colon = trimmed.lastIndexOf(':');
    const extension = trimmed.slice(0, colon);
    const rest = parsePatchPath(trimmed.slice(colon + 1));
    if (rest.attr === 'usertype' && !rest.sub) return { attr: 'userType' };
    return { ...rest, extension };
  }
  const p = parsePatchPath(trimmed);
  if (READ_ONLY.has(p.attr)) throw invalid(`Attribute "${p.attr}" is read-only`, 'mutability');
  return p;
}

function container(doc: Json, t: Target, create: boolean): Json | undefined {
  if (!t.extension) return doc;
  const existing = getProp(doc, t.extension);
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: Json = {};
  setProp(doc, t.extension, made);
  return made;
}

function applyOne(doc: Json, op: Op, path: string, value: unknown) {
  const t = resolve(path);
  const parent = container(doc, t, op !== 'remove');
  if (!parent) return;
  const current = getProp(parent, t.attr);

  if (t.filter) {
    const list = Array.isArray(current) ? [...current] : [];
    const matched = list.filter((e) => isObject(e) && matchesElement(t.filter!, e)) as Json[];
    if (op === 'remove') {
      const kept = t.sub
        ? list.map((e) => { if (matched.includes(e as Json)) { const c = { ...(e as Json) }; deleteProp(c, t.sub!); return c; } return e; })
        : list.filter((e) => !matched.includes(e as Json));
      setProp(parent, t.attr, kept);
      return;
    }
    if (matched.length === 0) {
      // Entra sends Add/Replace on `phoneNumbers[type eq "mobile"].value` before any mobile exists.
      const fresh: Json = { ...equalities(t.filter) };
      list.push(t.sub ? { ...fresh, [t.sub]: value } : merge(fresh, value));
    } else {
      for (const e of matched) {
        const i = list.indexOf(e);
        list[i] = t.sub ? { ...e, [keyOf(e, t.sub) ?? t.sub]: value } : op === 'add' ? merge(e, value) : merge(equalities(t.filter), value);
      }
    }
    setProp(parent, t.attr, list);
    return;
  }

  if (t.sub) {
    if (op === 'remove') {
      if (isObject(current)) deleteProp(current, t.sub);
      else if (Array.isArray(current)) current.forEach((e) => isObject(e) && deleteProp(e, t.sub!));
      return;
    }
    if (Array.isArray(current)) { current.forEach((e) => isObject(e) && setProp(e, t.sub!, value)); return; }
    const obj = isObject(current) ? current : {};
    setProp(obj, t.sub, structuredClone(value));
    setProp(parent, t.attr, obj);
    return;
  }

  if (op === 'remove') {
    if (Array.isArray(current) && Array.isArray(value)) {
      // Remove listed elements of a multi-valued attribute, matched on their `value`.
      const drop = new Set(value.filter(isObject).map((v) => asText(getProp(v, 'value'))));
      setProp(parent, t.attr, current.filter((e) => !(isObject(e) && drop.has(asText(getProp(e, 'value'))))));
    } else {
      deleteProp(parent, t.attr);
    }
    return;
  }
  if (op === 'add' && Array.isArray(current)) {
    setProp(parent, t.attr, [...current, ...(Array.isArray(value) ? value : [value])]);
    return;
  }
  setProp(parent, t.attr, isObject(current) && isObject(value) ? merge(current, value) : structuredClone(value));
}

/** Expands a path-less add/replace value: each key is a path, and an extension URN key holds a map of them. */
function pathlessEntries(value: unknown): Array<[string, unknown]> {
  if (!isObject(value)) throw invalid('An operation without "path" needs an object "value"', 'invalidValue');
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const lk = k.toLowerCase();
    if (lk.startsWith('urn:') && isObject(v) && (lk === USER_SCHEMA.toLowerCase() || /:user$/.test(lk))) {
      for (const [sub, sv] of Object.entries(v)) out.push([`${k}:${sub}`, sv]);
    } else if (!READ_ONLY.has(lk)) {
      out.push([k, v]);
    }
  }
  return out;
}

export function applyPatch(resource: Json, body: unknown): Json {
  if (!isObject(body)) throw invalid('The request body must be a JSON object', 'invalidSyntax');
  const ops = getProp(body, 'Operations');
  if (ops === undefined) throw invalid('"Operations" is missing', 'invalidSyntax');
  if (!Array.isArray(ops)) throw invalid('"Operations" must be an array', 'invalidSyntax');
  if (ops.length > MAX_OPERATIONS) throw invalid(`At most ${MAX_OPERATIONS} operations per request`, 'tooMany');
  const doc = structuredClone(resource);
  ops.forEach((raw, n) => {
    if (!isObject(raw)) throw invalid(`Operation ${n + 1} must be an object`, 'invalidSyntax');
    const opName = asText(getProp(raw, 'op')).toLowerCase();
    if (opName !== 'add' && opName !== 'replace' && opName !== 'remove') {
      throw invalid(`Operation ${n + 1}: "op" must be add, replace or remove`, 'invalidSyntax');
    }
    const path = getProp(raw, 'path');
    const value = getProp(raw, 'value');
    if (path !== undefined && typeof path !== 'string') throw invalid(`Operation ${n + 1}: "path" must be a string`, 'invalidPath');
    if (!path) {
      if (opName === 'remove') throw invalid(`Operation ${n + 1}: remove needs a "path"`, 'noTarget');
      for (const [p, v] of pathlessEntries(value)) applyOne(doc, opName, p, v);
      return;
    }
    if (opName !== 'remove' && value === undefined) throw invalid(`Operation ${n + 1}: "value" is missing`, 'invalidValue');
    applyOne(doc, opName, path, value);
  });
  return doc;
}
