export const LANGS = ['en', 'de', 'fr', 'it'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch', fr: 'Français', it: 'Italiano' };

export const asLang = (v: string | null | undefined): Lang | undefined => {
  const l = v?.slice(0, 2).toLowerCase();
  return (LANGS as readonly string[]).includes(l ?? '') ? (l as Lang) : undefined;
};

/**
 * The order: the person's own choice in this browser, else its preferredLanguage from Entra (or
 * the client's language), else the browser's languages, else English.
 */
export function pickLanguage(chosen: string | null | undefined, preferred: string | null | undefined, browser: readonly string[]): Lang {
  return asLang(chosen) ?? asLang(preferred) ?? browser.map(asLang).find((l): l is Lang => !!l) ?? 'en';
}
