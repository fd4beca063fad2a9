// The shell: who is signed in, which language, which page; the header with language and sign-out.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { SIGNED_OUT_EVENT } from './api';
import { IdleGuard } from './components/IdleGuard';
import { Link, Loading, Page } from './components/ui';
import { I18nProvider, makeI18n, useI18n } from './i18n';
import { LANGS, LANG_NAMES, pickLanguage, type Lang } from './i18n/languages';
import { AdminPage } from './pages/Admin';
import { ConsolePage } from './pages/console/Console';
import { ExchangesPage } from './pages/Exchanges';
import { ExchangeView } from './pages/ExchangeView';
import { InvitePage } from './pages/Invite';
import { SignInPage } from './pages/SignIn';
import { match, navigate, useLocation } from './router';
import { homeOf, loadSession, signOutEverywhere, type Session } from './session';

const LANG_KEY = 'sx.lang';
const stored = () => { try { return localStorage.getItem(LANG_KEY); } catch { return null; } };

export function App() {
  const [session, setSession] = useState<Session>();
  const [failed, setFailed] = useState(false);
  const [chosen, setChosen] = useState(stored);
  const { path, search } = useLocation();

  const refresh = useCallback(() => loadSession().then((s) => { setSession(s); setFailed(false); return s; }, () => { setFailed(true); return undefined; }), []);
  useEffect(() => { void refresh(); }, [refresh]);
  useEffect(() => {
    const out = () => void refresh();
    window.addEventListener(SIGNED_OUT_EVENT, out);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, out);
  }, [refresh]);

  // The console has no person's language: the firm's default stands in for it.
  const lang = pickLanguage(chosen, session?.me?.language ?? session?.tenant?.defaultLanguage, navigator.languages ?? [navigator.language]);
  const setLang = useCallback((l: Lang) => { setChosen(l); try { localStorage.setItem(LANG_KEY, l); } catch { /* private mode */ } }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  useEffect(() => { document.documentElement.lang = lang; document.title = i18n.t('app.name'); }, [lang, i18n]);

  const signedIn = !!(session?.me || session?.tenant);
  const afterSignIn = () => void refresh().then((s) => s && navigate(homeOf(s), true));
  const expire = useCallback(() => { void signOutEverywhere().then(refresh).then(() => navigate('/signin?idle=1', true)); }, [refresh]);
  const signOut = () => void signOutEverywhere().then(refresh).then(() => navigate('/signin', true));

  return (
    <I18nProvider value={i18n}>
      <a href="#main" className="skip">{i18n.t('app.skip')}</a>
      <Header session={session} onSignOut={signOut} />
      {failed ? <Page title={i18n.t('app.name')}><p role="alert" className="error">{i18n.t('error.network')}</p></Page>
        : !session ? <main id="main"><Loading /></main>
        : route(path, search, session, afterSignIn, () => void refresh())}
      {signedIn && <IdleGuard onExpired={expire} />}
    </I18nProvider>
  );
}

function route(path: string, search: URLSearchParams, s: Session, afterSignIn: () => void, reload: () => void) {
  let m: Record<string, string> | undefined;
  if ((m = match('/invite/:token', path))) return <InvitePage token={m.token!} onSignedIn={afterSignIn} />;
  if ((m = match('/t/:tenantId', path))) return s.me || s.tenant ? <Redirect to={homeOf(s)} /> : <SignInPage tenantId={m.tenantId} onSignedIn={afterSignIn} />;
  if (path === '/' || path === '/signin') {
    return s.me || s.tenant ? <Redirect to={homeOf(s)} /> : <SignInPage onSignedIn={afterSignIn} idle={search.has('idle')} />;
  }
  const me = s.me;
  if (path.startsWith('/console')) {
    if (!s.tenant) return <Redirect to="/signin" />;
    return <ConsolePage tenant={s.tenant} tab={path.split('/')[2] ?? 'setup'} reloadTenant={reload} />;
  }
  if (path.startsWith('/admin')) {
    if (me?.kind !== 'staff' || me.userType !== 'ADMIN') return <Redirect to={homeOf(s)} />;
    return <AdminPage promotionPending={!!me.promotionPending} />;
  }
  if (path.startsWith('/app')) {
    if (me?.kind !== 'staff' || me.userType !== 'ADVISOR') return <Redirect to={homeOf(s)} />;
    if ((m = match('/app/exchanges/:id', path))) return <ExchangeView id={m.id!} staff />;
    return <ExchangesPage base="/app" canCreate />;
  }
  if (path.startsWith('/client')) {
    if (me?.kind !== 'client') return <Redirect to={homeOf(s)} />;
    if ((m = match('/client/exchanges/:id', path))) return <ExchangeView id={m.id!} staff={false} />;
    return <ExchangesPage base="/client" canCreate={false} />;
  }
  return <NotFound />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function NotFound() {
  const { t } = useI18n();
  return <Page title={t('error.notFound')}><Link to="/">{t('app.home')}</Link></Page>;
}

function Header({ session, onSignOut }: { session?: Session; onSignOut(): void }) {
  const { t, lang, setLang } = useI18n();
  const who = session?.me?.displayName ?? session?.tenant?.name;
  const role = session?.me ? (session.me.kind === 'client' ? t('role.client') : t(`role.${session.me.userType ?? 'ADVISOR'}`)) : session?.tenant ? t('role.tenant') : undefined;
  return (
    <header className="top">
      <a href="/" className="brand" onClick={(e) => { e.preventDefault(); navigate('/'); }}>{t('app.name')}</a>
      <div className="row wrap">
        {who && <span className="who">{who} · {role}</span>}
        <label htmlFor="lang" className="visually-hidden">{t('app.language')}</label>
        <select id="lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
        </select>
        {who && <button type="button" onClick={onSignOut}>{t('app.signOut')}</button>}
      </div>
    </header>
  );
}
