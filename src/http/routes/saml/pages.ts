// Readable pages for SAML outcomes, in the person's language (from Accept-Language until we know them).
export type PageKey = 'not_provisioned' | 'inactive' | 'invalid' | 'idp_error' | 'no_idp' | 'replay' | 'unknown_tenant' | 'start_again' | 'no_role'
  | 'clock_behind' | 'expired' | 'wrong_tenant' | 'unsolicited' | 'busy';
type Lang = 'en' | 'de' | 'fr' | 'it';

const TEXT: Record<Lang, Record<PageKey | 'title' | 'help', string>> = {
  en: {
    title: 'Sign-in failed',
    help: 'If this keeps happening, contact your firm\'s IT and quote the reference below.',
    not_provisioned: 'Your account has not been set up in SecureExchange. Your firm\'s IT must assign you to the SecureExchange application in Entra ID.',
    inactive: 'Your SecureExchange account is deactivated.',
    invalid: 'The sign-in response could not be verified, so you were not signed in.',
    idp_error: 'Your organisation\'s sign-in service reported an error.',
    no_idp: 'Single sign-on is not configured yet for this organisation.',
    replay: 'This sign-in response was already used. Please start the sign-in again.',
    unknown_tenant: 'This sign-in link is not known.',
    clock_behind: 'The sign-in response is not valid yet: the clock of this service or of your organisation\'s sign-in service is off by more than a few minutes. Please try again in a moment; if it persists, tell your IT.',
    expired: 'The sign-in response has expired (it took too long to arrive, or a clock is off). Please start the sign-in again.',
    wrong_tenant: 'You signed in with an account of another organisation than the one this SecureExchange link belongs to.',
    unsolicited: 'This organisation accepts only sign-ins started from SecureExchange. Please use your organisation\'s SecureExchange link.',
    no_role: 'Your account has no SecureExchange role yet. Your firm\'s IT must assign you the ADMIN or ADVISOR role of the SecureExchange application in Entra ID.',
    busy: 'SecureExchange is very busy at this moment and could not check your sign-in. Please try again in a moment.',
    start_again: 'This address only receives sign-ins from your organisation. Open SecureExchange from your organisation\'s link to sign in.',
  },
  de: {
    title: 'Anmeldung fehlgeschlagen',
    help: 'Wenn das wieder geschieht, wenden Sie sich an die IT Ihrer Firma und nennen Sie die Referenz unten.',
    not_provisioned: 'Ihr Konto ist in SecureExchange nicht eingerichtet. Die IT Ihrer Firma muss Sie in Entra ID der Anwendung SecureExchange zuweisen.',
    inactive: 'Ihr SecureExchange-Konto ist deaktiviert.',
    invalid: 'Die Anmeldeantwort konnte nicht geprüft werden; Sie wurden nicht angemeldet.',
    idp_error: 'Der Anmeldedienst Ihrer Organisation hat einen Fehler gemeldet.',
    no_idp: 'Die einmalige Anmeldung ist für diese Organisation noch nicht eingerichtet.',
    replay: 'Diese Anmeldeantwort wurde bereits verwendet. Bitte melden Sie sich erneut an.',
    unknown_tenant: 'Dieser Anmeldelink ist nicht bekannt.',
    clock_behind: 'Die Anmeldeantwort ist noch nicht gültig: Die Uhr dieses Dienstes oder des Anmeldedienstes Ihrer Organisation geht um mehr als einige Minuten falsch. Bitte versuchen Sie es gleich noch einmal; wenn es anhält, informieren Sie Ihre IT.',
    expired: 'Die Anmeldeantwort ist abgelaufen (sie kam zu spät an, oder eine Uhr geht falsch). Bitte melden Sie sich erneut an.',
    wrong_tenant: 'Sie haben sich mit einem Konto einer anderen Organisation angemeldet als jener, zu der dieser SecureExchange-Link gehört.',
    unsolicited: 'Diese Organisation akzeptiert nur Anmeldungen, die in SecureExchange beginnen. Bitte verwenden Sie den SecureExchange-Link Ihrer Organisation.',
    no_role: 'Ihr Konto hat noch keine SecureExchange-Rolle. Die IT Ihrer Firma muss Ihnen in Entra ID die Rolle ADMIN oder ADVISOR der Anwendung SecureExchange zuweisen.',
    busy: 'SecureExchange ist gerade stark ausgelastet und konnte Ihre Anmeldung nicht prüfen. Bitte versuchen Sie es gleich noch einmal.',
    start_again: 'Diese Adresse nimmt nur Anmeldungen Ihrer Organisation entgegen. Öffnen Sie SecureExchange über den Link Ihrer Organisation.',
  },
  fr: {
    title: 'Échec de la connexion',
    help: 'Si cela se reproduit, contactez l\'informatique de votre entreprise en citant la référence ci-dessous.',
    not_provisioned: 'Votre compte n\'est pas configuré dans SecureExchange. L\'informatique de votre entreprise doit vous attribuer l\'application SecureExchange dans Entra ID.',
    inactive: 'Votre compte SecureExchange est désactivé.',
    invalid: 'La réponse de connexion n\'a pas pu être vérifiée ; vous n\'êtes pas connecté.',
    idp_error: 'Le service de connexion de votre organisation a signalé une erreur.',
    no_idp: 'L\'authentification unique n\'est pas encore configurée pour cette organisation.',
    replay: 'Cette réponse de connexion a déjà été utilisée. Veuillez vous reconnecter.',
    unknown_tenant: 'Ce lien de connexion est inconnu.',
    clock_behind: 'La réponse de connexion n\'est pas encore valide : l\'horloge de ce service ou du service de connexion de votre organisation est décalée de plus de quelques minutes. Réessayez dans un instant ; si cela persiste, prévenez votre informatique.',
    expired: 'La réponse de connexion a expiré (elle est arrivée trop tard, ou une horloge est décalée). Veuillez vous reconnecter.',
    wrong_tenant: 'Vous vous êtes connecté avec un compte d\'une autre organisation que celle à laquelle appartient ce lien SecureExchange.',
    unsolicited: 'Cette organisation n\'accepte que les connexions lancées depuis SecureExchange. Utilisez le lien SecureExchange de votre organisation.',
    no_role: 'Votre compte n\'a pas encore de rôle SecureExchange. L\'informatique de votre entreprise doit vous attribuer le rôle ADMIN ou ADVISOR de l\'application SecureExchange dans Entra ID.',
    busy: 'SecureExchange est très sollicité en ce moment et n\'a pas pu vérifier votre connexion. Veuillez réessayer dans un instant.',
    start_again: 'Cette adresse ne reçoit que les connexions de votre organisation. Ouvrez SecureExchange depuis le lien de votre organisation.',
  },
  it: {
    title: 'Accesso non riuscito',
    help: 'Se succede di nuovo, contatti l\'IT della sua azienda indicando il riferimento qui sotto.',
    not_provisioned: 'Il suo account non è configurato in SecureExchange. L\'IT della sua azienda deve assegnarle l\'applicazione SecureExchange in Entra ID.',
    inactive: 'Il suo account SecureExchange è disattivato.',
    invalid: 'La risposta di accesso non ha potuto essere verificata; l\'accesso non è avvenuto.',
    idp_error: 'Il servizio di accesso della sua organizzazione ha segnalato un errore.',
    no_idp: 'L\'accesso unico non è ancora configurato per questa organizzazione.',
    replay: 'Questa risposta di accesso è già stata usata. Acceda di nuovo.',
    unknown_tenant: 'Questo link di accesso non è noto.',
    clock_behind: 'La risposta di accesso non è ancora valida: l\'orologio di questo servizio o del servizio di accesso della sua organizzazione è sfasato di più di qualche minuto. Riprovi tra poco; se persiste, informi l\'IT.',
    expired: 'La risposta di accesso è scaduta (è arrivata troppo tardi, o un orologio è sfasato). Acceda di nuovo.',
    wrong_tenant: 'Ha effettuato l\'accesso con un account di un\'organizzazione diversa da quella a cui appartiene questo link SecureExchange.',
    unsolicited: 'Questa organizzazione accetta solo accessi avviati da SecureExchange. Usi il link SecureExchange della sua organizzazione.',
    no_role: 'Il suo account non ha ancora un ruolo SecureExchange. L\'IT della sua azienda deve assegnarle il ruolo ADMIN o ADVISOR dell\'applicazione SecureExchange in Entra ID.',
    busy: 'SecureExchange è molto occupato in questo momento e non ha potuto verificare il suo accesso. Riprovi tra poco.',
    start_again: 'Questo indirizzo riceve solo gli accessi della sua organizzazione. Apra SecureExchange dal link della sua organizzazione.',
  },
};

export function pickLanguage(acceptLanguage: string | undefined, preferred?: string): Lang {
  const p = preferred?.toLowerCase();
  if (p && p in TEXT) return p as Lang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (code in TEXT) return code as Lang;
  }
  return 'en';
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function errorPage(key: PageKey, lang: Lang, reference: string, detail?: string): string {
  const t = TEXT[lang];
  // An IdP error code (AADSTS…) is what Entra's documentation and the firm's IT look up.
  const code = detail ? `<p><code>${escape(detail)}</code></p>` : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)} – SecureExchange</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}small{color:#555}</style>
</head><body><main><h1>${escape(t.title)}</h1><p>${escape(t[key])}</p>${code}<p>${escape(t.help)}</p><p><small>${escape(reference)}</small></p></main></body></html>`;
}
