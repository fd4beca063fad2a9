// What an advisor or a client may type for a client: a strictly checked address, a display name, a language.
import { invalid } from '../../errors.js';
import { LANGUAGES, type Language } from '../../scim/user-resource.js';

// ASCII dot-atom local part (RFC 5322 without quoted strings or comments) and a DNS host name with a
// dot and an alphabetic (or punycode) top-level label; no IP literals, no SMTPUTF8. What a relay takes
// from everyone, and nothing that could carry a header or a second recipient.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** The address as given (trimmed) and its key (lower-cased), or a 400. */
export function clientAddress(raw: unknown): { email: string; key: string } {
  if (typeof raw !== 'string') throw invalid('"email" is required');
  const email = raw.trim();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  const ok = at > 0 && email.length <= 254 && local.length <= 64 && LOCAL.test(local)
    && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(labels[labels.length - 1]!);
  if (!ok) throw invalid('"email" is not a valid e-mail address');
  return { email, key: email.toLowerCase() };
}

export function clientDisplayName(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw invalid('"displayName" must be a string');
  const name = raw.normalize('NFC').replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (!name) return undefined;
  if (name.length > 200) throw invalid('"displayName" must be at most 200 characters');
  return name;
}

export function clientLanguage(raw: unknown): Language | undefined {
  if (raw === undefined || raw === null) return undefined;
  const up = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (!(LANGUAGES as readonly string[]).includes(up)) throw invalid(`"language" must be one of ${LANGUAGES.join(', ')}`);
  return up as Language;
}

/** "j***@example.com": enough for the person to recognise, nothing for someone reading over a shoulder. */
export const maskAddress = (email: string): string => {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
};
