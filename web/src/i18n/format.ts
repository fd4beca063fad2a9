// Numbers, sizes, speeds and dates in the reader's locale (Intl; no table of our own to keep up).
import type { Lang } from './languages';

const LOCALE: Record<Lang, string> = { en: 'en-GB', de: 'de-CH', fr: 'fr-CH', it: 'it-CH' };
export const localeOf = (lang: Lang) => LOCALE[lang];

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** Decimal units (1 MB = 1,000,000 bytes), as file managers on the Mac and the web show sizes. */
export function formatBytes(n: number, lang: Lang): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) { v /= 1000; i++; }
  return new Intl.NumberFormat(LOCALE[lang], {
    style: 'unit', unit: UNITS[i], unitDisplay: 'short', maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1,
  }).format(v);
}

export const formatSpeed = (bytesPerSecond: number, lang: Lang): string => `${formatBytes(bytesPerSecond, lang)}/s`;

/** "1 min 5 s"-like, rounded up to whole seconds; units from Intl so each language has its own. */
export function formatDuration(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.ceil(seconds));
  const unit = (value: number, u: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(LOCALE[lang], { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  if (s < 60) return unit(s, 'second');
  if (s < 3600) return `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}`;
  return `${unit(Math.floor(s / 3600), 'hour')} ${unit(Math.floor((s % 3600) / 60), 'minute')}`;
}

export function formatDate(iso: string | null | undefined, lang: Lang, withTime = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE[lang], withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
}
