// The mails SecureExchange sends, in EN, DE, FR and IT: plain text plus a simple HTML part. Every
// interpolated value is escaped for HTML and flattened to one line for text; no subject carries a code
// or a link (subjects show up in notifications and lock screens).
import { LANGUAGES, type Language } from '../scim/user-resource.js';

export interface RenderedMail { subject: string; text: string; html: string }

export const mailLanguage = (...candidates: (string | null | undefined)[]): Language => {
  for (const c of candidates) {
    const up = c?.toUpperCase();
    if (up && (LANGUAGES as readonly string[]).includes(up)) return up as Language;
  }
  return 'EN';
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line, no control characters: a value cannot add lines (or fake headers) to the text part. */
const flat = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

type Vars = Record<string, string>;
/** `{name}` placeholders; every value is escaped for the part it goes into. */
const fill = (tpl: string, vars: Vars, esc: (s: string) => string) => tpl.replace(/\{(\w+)\}/g, (_, k: string) => esc(vars[k] ?? ''));

interface Template { subject: string; lines: string[]; action?: string; footer: string }

function render(t: Template, vars: Vars, link?: string): RenderedMail {
  const textVars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, flat(v)]));
  const text = [...t.lines.map((l) => fill(l, textVars, (s) => s)), ...(link ? ['', link] : []), '', fill(t.footer, textVars, (s) => s)].join('\n') + '\n';
  const paras = t.lines.filter(Boolean).map((l) => `<p>${fill(l, textVars, escapeHtml)}</p>`);
  const button = link && t.action ? `<p><a href="${escapeHtml(link)}">${escapeHtml(t.action)}</a></p><p style="color:#555;font-size:90%">${escapeHtml(link)}</p>` : '';
  const html = `<!doctype html><html><body style="font-family:sans-serif">${paras.join('')}${button}<p style="color:#555;font-size:90%">${fill(t.footer, textVars, escapeHtml)}</p></body></html>`;
  return { subject: fill(t.subject, textVars, (s) => s), text, html };
}

const INVITATION: Record<Language, Template> = {
  EN: {
    subject: '{firm} invites you to a secure exchange',
    lines: ['Hello {name},', '', '{advisor} of {firm} invites you to the secure exchange "{exchange}".', 'Open the link below to sign in. It works once and until {expires}.'],
    action: 'Open the exchange',
    footer: 'If you did not expect this invitation, ignore this mail.',
  },
  DE: {
    subject: '{firm} lädt Sie zu einem sicheren Austausch ein',
    lines: ['Guten Tag {name},', '', '{advisor} von {firm} lädt Sie zum sicheren Austausch «{exchange}» ein.', 'Öffnen Sie den folgenden Link, um sich anzumelden. Er gilt einmal und bis {expires}.'],
    action: 'Austausch öffnen',
    footer: 'Falls Sie diese Einladung nicht erwartet haben, ignorieren Sie diese Nachricht.',
  },
  FR: {
    subject: '{firm} vous invite à un échange sécurisé',
    lines: ['Bonjour {name},', '', '{advisor} de {firm} vous invite à l\'échange sécurisé « {exchange} ».', 'Ouvrez le lien ci-dessous pour vous connecter. Il ne sert qu\'une fois et jusqu\'au {expires}.'],
    action: 'Ouvrir l\'échange',
    footer: 'Si vous n\'attendiez pas cette invitation, ignorez ce message.',
  },
  IT: {
    subject: '{firm} la invita a uno scambio sicuro',
    lines: ['Buongiorno {name},', '', '{advisor} di {firm} la invita allo scambio sicuro «{exchange}».', 'Apra il link qui sotto per accedere. Vale una sola volta e fino al {expires}.'],
    action: 'Apri lo scambio',
    footer: 'Se non si aspettava questo invito, ignori questo messaggio.',
  },
};

const CODE: Record<Language, Template> = {
  EN: {
    subject: 'Your SecureExchange sign-in code',
    lines: ['Your sign-in code for {firm}:', '', '{code}', '', 'It is valid for {minutes} minutes. Never share it with anyone.'],
    footer: 'If you did not try to sign in, ignore this mail.',
  },
  DE: {
    subject: 'Ihr SecureExchange-Anmeldecode',
    lines: ['Ihr Anmeldecode für {firm}:', '', '{code}', '', 'Er gilt {minutes} Minuten. Geben Sie ihn niemandem weiter.'],
    footer: 'Falls Sie sich nicht anmelden wollten, ignorieren Sie diese Nachricht.',
  },
  FR: {
    subject: 'Votre code de connexion SecureExchange',
    lines: ['Votre code de connexion pour {firm} :', '', '{code}', '', 'Il est valable {minutes} minutes. Ne le communiquez à personne.'],
    footer: 'Si vous n\'avez pas essayé de vous connecter, ignorez ce message.',
  },
  IT: {
    subject: 'Il suo codice di accesso SecureExchange',
    lines: ['Il suo codice di accesso per {firm}:', '', '{code}', '', 'È valido per {minutes} minuti. Non lo comunichi a nessuno.'],
    footer: 'Se non ha provato ad accedere, ignori questo messaggio.',
  },
};

const LOCALES: Record<Language, string> = { EN: 'en-GB', DE: 'de-CH', FR: 'fr-CH', IT: 'it-CH' };
const dateIn = (lang: Language, iso: string) => new Date(iso).toLocaleString(LOCALES[lang], { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

export function invitationMail(lang: Language, v: { name: string; advisor: string; firm: string; exchange: string; expiresAt: string; link: string }): RenderedMail {
  return render(INVITATION[lang], { name: v.name, advisor: v.advisor, firm: v.firm, exchange: v.exchange, expires: dateIn(lang, v.expiresAt) }, v.link);
}

export function codeMail(lang: Language, v: { firm: string; code: string; minutes: number }): RenderedMail {
  return render(CODE[lang], { firm: v.firm, code: v.code, minutes: String(v.minutes) });
}
