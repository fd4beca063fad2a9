// Every visible string comes from the catalogs; the type of the English one is the list of keys, so
// a key missing in German, French or Italian fails the build instead of showing raw.
import { createContext, useContext, type ReactNode } from 'react';
import { de } from './de';
import { en, type Messages } from './en';
import { fr } from './fr';
import { it } from './it';
import { formatBytes, formatDate, formatDuration, formatSpeed, localeOf } from './format';
import type { Lang } from './languages';

export type Key = keyof Messages;
export const CATALOGS: Record<Lang, Messages> = { en, de, fr, it };

export function translate(lang: Lang, key: Key, vars?: Record<string, string | number>): string {
  let text = CATALOGS[lang][key];
  // Counted messages hold "singular|plural"; the language's own plural rule picks one.
  if (text.includes('|') && typeof vars?.n === 'number') {
    const [one, other] = text.split('|') as [string, string];
    text = new Intl.PluralRules(localeOf(lang)).select(vars.n) === 'one' ? one : other;
  }
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: Key, vars?: Record<string, string | number>): string;
  bytes(n: number): string;
  speed(n: number): string;
  duration(s: number): string;
  date(iso: string | null | undefined, withTime?: boolean): string;
}

export function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  return {
    lang, setLang,
    t: (key, vars) => translate(lang, key, vars),
    bytes: (n) => formatBytes(n, lang),
    speed: (n) => formatSpeed(n, lang),
    duration: (s) => formatDuration(s, lang),
    date: (iso, withTime) => formatDate(iso, lang, withTime),
  };
}

const Ctx = createContext<I18n>(makeI18n('en', () => {}));
export const I18nProvider = ({ value, children }: { value: I18n; children: ReactNode }) => <Ctx.Provider value={value}>{children}</Ctx.Provider>;
export const useI18n = () => useContext(Ctx);
