// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a resource's JSON.
// `id` and `schemas` are always returned (returned: "always"); `meta` too unless excluded.
import { invalid } from '../errors.js';
import { USER_SCHEMA } from './user-resource.js';

type Json = Record<string, unknown>;
const ALWAYS = new Set(['id', 'schemas']);
const CORE_PREFIX = USER_SCHEMA.toLowerCase() + ':';

export interface Projection { attributes?: string[]; excluded?: string[] }

/** Reads the comma-separated lists; a value path such as `emails[type eq "work"]` selects its attribute. */
export function readProjection(attributes: unknown, excluded: unknown): Projection | undefined {
  const list = (v: unknown, name: string) => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw invalid(`"${name}" may be given only once`, 'invalidValue');
    return v.split(',').map((a) => {
      let p = a.trim().replace(/\[.*$/, '').toLowerCase();
      if (p.startsWith(CORE_PREFIX)) p = p.slice(CORE_PREFIX.length);
      if (!/^[a-z][a-z0-9_$-]*(\.[a-z][a-z0-9_$-]*)?$/.test(p)) throw invalid(`"${a.trim()}" in ${name} is not an attribute path`, 'invalidValue');
      return p;
    });
  };
  const p = { attributes: list(attributes, 'attributes'), excluded: list(excluded, 'excludedAttributes') };
  return p.attributes || p.excluded ? p : undefined;
}

function pick(obj: Json, paths: string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const lk = k.toLowerCase();
    if (ALWAYS.has(lk) || paths.includes(lk)) { out[k] = v; continue; }
    const subs = paths.filter((p) => p.startsWith(lk + '.')).map((p) => p.slice(lk.length + 1));
    if (!subs.length) continue;
    if (Array.isArray(v)) out[k] = v.map((e) => (typeof e === 'object' && e ? pick(e as Json, subs) : e));
    else if (typeof v === 'object' && v) out[k] = pick(v as Json, subs);
  }
  return out;
}

function drop(obj: Json, paths: string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const lk = k.toLowerCase();
    if (!ALWAYS.has(lk) && paths.includes(lk)) continue;
    const subs = paths.filter((p) => p.startsWith(lk + '.')).map((p) => p.slice(lk.length + 1));
    if (subs.length && Array.isArray(v)) out[k] = v.map((e) => (typeof e === 'object' && e ? drop(e as Json, subs) : e));
    else if (subs.length && typeof v === 'object' && v) out[k] = drop(v as Json, subs);
    else out[k] = v;
  }
  return out;
}

export function project(resource: Json, p: Projection | undefined): Json {
  if (!p) return resource;
  return p.attributes ? pick(resource, p.attributes) : drop(resource, p.excluded ?? []);
}
