// Reading the outside SAML fixtures of ../shared/fixtures/saml (kept as they are, never edited): the
// bytes as an ACS would receive them (base64), their XML, the certificates they are checked with, the
// moment their own times say they were valid, and a tiny in-memory request store for node-saml.
import fs from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { sharedDir } from './server.js';

export const samlFixturesDir = path.join(sharedDir, 'fixtures/saml');

export interface Fixture {
  /** The XML text (decoded when the file holds base64). */
  xml: string;
  /** What a browser would post as SAMLResponse: the file's base64 as is, or the file's bytes encoded. */
  samlResponse: string;
  /** Whether the file itself held base64. */
  base64File: boolean;
  /** Whether that base64 held raw DEFLATE (ruby-saml keeps some responses so and inflates them on read). */
  deflated: boolean;
}

/** A fixture file's text exactly as stored (a BOM included). */
export function fixtureText(rel: string): string {
  return fs.readFileSync(path.join(samlFixturesDir, rel), 'utf8');
}

export function readFixture(rel: string): Fixture {
  const bytes = fs.readFileSync(path.join(samlFixturesDir, rel));
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (/^\s*</.test(text)) return { xml: text, samlResponse: bytes.toString('base64'), base64File: false, deflated: false };
  const samlResponse = text.trim();
  const decoded = Buffer.from(samlResponse, 'base64');
  if (/^(\uFEFF)?\s*</.test(decoded.toString('utf8'))) return { xml: decoded.toString('utf8'), samlResponse, base64File: true, deflated: false };
  // Not XML: DEFLATE, as the HTTP-Redirect binding encodes. The ACS (HTTP-POST) receives the XML itself.
  const inflated = inflateRawSync(decoded);
  return { xml: inflated.toString('utf8'), samlResponse: inflated.toString('base64'), base64File: true, deflated: true };
}

export function pemFromBase64(body: string): string {
  const b = body.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(b.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A certificate file of the corpus (PEM, or bare base64 DER as some toolkits keep them) as PEM. */
export function fixtureCert(rel: string): string {
  const text = fs.readFileSync(path.join(samlFixturesDir, rel), 'utf8');
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text)?.[1] ?? text;
  return pemFromBase64(body);
}

/** The `idp.x509cert` of one of python3-saml's settings files. */
export function python3SamlSettingsCert(file: 'settings1.json' | 'settings2.json'): string {
  const json = JSON.parse(fs.readFileSync(path.join(samlFixturesDir, 'SAML-Toolkits+python3-saml/tests/settings', file), 'utf8'));
  return pemFromBase64(json.idp.x509cert);
}

/** node-saml's CacheProvider in memory: our AuthnRequest ids, each with the ISO time it was issued. */
export function memoryRequestStore(): CacheProvider & { ids: Map<string, string> } {
  const ids = new Map<string, string>();
  return {
    ids,
    async saveAsync(key: string, value: string): Promise<CacheItem | null> {
      ids.set(key, value);
      return { value, createdAt: Date.now() };
    },
    async getAsync(key: string): Promise<string | null> {
      return ids.get(key) ?? null;
    },
    async removeAsync(key: string | null): Promise<string | null> {
      if (key === null || !ids.delete(key)) return null;
      return key;
    },
  };
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface FixtureTimes {
  issueInstants: number[];
  notBefore: number[];
  notOnOrAfter: number[];
}

/** Every IssueInstant, NotBefore and NotOnOrAfter of the document (Response, Assertion, Conditions, SubjectConfirmationData). */
export function fixtureTimes(xml: string): FixtureTimes {
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} } }).parseFromString(xml, 'text/xml');
  const out: FixtureTimes = { issueInstants: [], notBefore: [], notOnOrAfter: [] };
  const all = doc ? Array.from(doc.getElementsByTagName('*')) : [];
  for (const el of all) {
    if (el.namespaceURI !== SAMLP && el.namespaceURI !== SAML) continue;
    const push = (list: number[], name: string) => {
      const v = el.getAttribute(name);
      const t = v ? Date.parse(v) : NaN;
      if (!Number.isNaN(t)) list.push(t);
    };
    push(out.issueInstants, 'IssueInstant');
    push(out.notBefore, 'NotBefore');
    push(out.notOnOrAfter, 'NotOnOrAfter');
  }
  return out;
}

/**
 * The fixture's own moment: one second after the latest of its IssueInstants and NotBefores, which
 * must lie before the earliest NotOnOrAfter (else undefined: the fixture has no valid moment).
 */
export function fixtureMoment(xml: string): Date | undefined {
  const t = fixtureTimes(xml);
  const start = Math.max(...t.issueInstants, ...t.notBefore);
  if (!Number.isFinite(start)) return undefined;
  const at = start + 1000;
  const end = t.notOnOrAfter.length ? Math.min(...t.notOnOrAfter) : Infinity;
  return at < end ? new Date(at) : undefined;
}

/** Every file of the corpus (MANIFEST.md aside), relative to samlFixturesDir, sorted. */
export function listSamlFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(samlFixturesDir, full));
    }
  };
  walk(samlFixturesDir);
  return out.filter((f) => f !== 'MANIFEST.md').sort();
}

/** An attribute of the document element (the Response, or a bare Assertion), whatever its namespace. */
export function rootAttribute(xml: string, name: string): string | undefined {
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} } }).parseFromString(xml, 'text/xml');
  const root = doc?.documentElement;
  return root?.hasAttribute(name) ? root.getAttribute(name) ?? undefined : undefined;
}

/** The X509Certificate values of the document's KeyInfo elements, as PEM (some toolkits put base64 of a PEM there). */
export function keyInfoCertificates(xml: string): string[] {
  return [...xml.matchAll(/<(?:[\w-]+:)?X509Certificate>\s*([^<]+?)\s*<\//g)].map((m) => {
    const body = m[1]!.replace(/\s+/g, '');
    const decoded = Buffer.from(body, 'base64').toString('latin1');
    return decoded.startsWith('-----BEGIN CERTIFICATE-----') ? pemFromBase64(decoded.replace(/-----[A-Z ]+-----|\s/g, '')) : pemFromBase64(body);
  });
}

/** Whether any signature or digest algorithm of the document is SHA-1. */
export function usesSha1(xml: string): boolean {
  return /Algorithm\s*=\s*["'][^"']*(?:rsa-sha1|#sha1)["']/i.test(xml);
}
