import { describe, expect, it } from 'vitest';
import { CATALOGS, translate } from './index';
import { formatBytes, formatDate, formatDuration } from './format';
import { LANGS, pickLanguage } from './languages';

describe('catalogs', () => {
  it('have every key of English, each non-empty, with the same placeholders', () => {
    const keys = Object.keys(CATALOGS.en);
    for (const lang of LANGS) {
      expect(Object.keys(CATALOGS[lang]).sort()).toEqual([...keys].sort());
      for (const k of keys) {
        const text = CATALOGS[lang][k as keyof typeof CATALOGS.en];
        expect(text.trim(), `${lang} ${k}`).not.toBe('');
        const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(vars(text), `${lang} ${k}`).toEqual(vars(CATALOGS.en[k as keyof typeof CATALOGS.en]));
      }
    }
  });

  it('are really translated: no language repeats English for most of its strings', () => {
    for (const lang of ['de', 'fr', 'it'] as const) {
      const keys = Object.keys(CATALOGS.en) as Array<keyof typeof CATALOGS.en>;
      const same = keys.filter((k) => CATALOGS[lang][k] === CATALOGS.en[k]);
      expect(same.length / keys.length, `${lang}: ${same.join(', ')}`).toBeLessThan(0.1);
    }
  });

  it('fills placeholders', () => {
    expect(translate('de', 'documents.versions', { n: 3 })).toBe('3 Versionen');
  });
});

describe('language choice', () => {
  it('takes the choice made in this browser, then preferredLanguage, then the browser, then English', () => {
    expect(pickLanguage('fr', 'DE', ['it-CH'])).toBe('fr');
    expect(pickLanguage(null, 'DE', ['it-CH'])).toBe('de');
    expect(pickLanguage(null, undefined, ['es-ES', 'it-CH'])).toBe('it');
    expect(pickLanguage(null, null, ['ja'])).toBe('en');
  });
});

describe('formats per locale', () => {
  it('sizes, durations and dates follow the language', () => {
    expect(formatBytes(52_428_800, 'en')).toBe('52.4 MB');
    expect(formatBytes(52_428_800, 'de')).toMatch(/^52[.,]4\sMB$/);
    expect(formatBytes(52_428_800, 'fr')).toMatch(/^52,4\sMo$/);
    expect(formatBytes(999, 'en')).toBe('999 byte');
    expect(formatDuration(65, 'en')).toMatch(/^1 min 5 secs?$/);
    const d = '2026-03-01T10:00:00Z';
    expect(formatDate(d, 'de', false)).toMatch(/2026/);
    expect(formatDate(d, 'en', false)).not.toBe(formatDate(d, 'fr', false));
  });
});

describe('counted messages', () => {
  it('take the singular or plural by the language\'s rule', () => {
    expect(translate('en', 'admin.exchanges', { n: 1 })).toBe('1 exchange');
    expect(translate('en', 'admin.exchanges', { n: 2 })).toBe('2 exchanges');
    expect(translate('fr', 'admin.documents', { n: 0 })).toBe('0 document');
    expect(translate('de', 'admin.documents', { n: 0 })).toBe('0 Dokumente');
  });
});
