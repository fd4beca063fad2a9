// One sign-in page that routes each person: firm staff to their firm's SAML sign-in (by e-mail
// domain or the firm's link /t/{tenantId}), clients to a mailed one-time code, the firm's own
// super user to username + password (+ TOTP).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { ErrorNote, Page, useAction } from '../components/ui';
import { useI18n } from '../i18n';

const LAST_TENANT = 'sx.lastTenant';
export const rememberTenant = (id: string) => { try { localStorage.setItem(LAST_TENANT, id); } catch { /* private mode */ } };
const lastTenant = () => { try { return localStorage.getItem(LAST_TENANT) ?? ''; } catch { return ''; } };

export function SignInPage({ onSignedIn, tenantId, idle }: { onSignedIn(): void; tenantId?: string; idle?: boolean }) {
  const { t } = useI18n();
  return (
    <Page title={t('signin.title')}>
      {idle && <p className="notice" role="status">{t('idle.signedOut')}</p>}
      <div className="grid">
        <StaffSignIn tenantId={tenantId} />
        <ClientSignIn tenantId={tenantId ?? lastTenant()} onSignedIn={onSignedIn} />
        {!tenantId && <TenantSignIn onSignedIn={onSignedIn} />}
      </div>
    </Page>
  );
}

function StaffSignIn({ tenantId }: { tenantId?: string }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [notFound, setNotFound] = useState(false);
  const action = useAction();
  const go = (id: string) => { location.assign(`/saml/${encodeURIComponent(id)}/login`); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotFound(false);
    void action.run(async () => {
      try {
        const r = await api<{ tenantId: string }>('GET', `/signin/lookup?email=${encodeURIComponent(email)}`);
        go(r.tenantId);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 400)) setNotFound(true); else throw err;
      }
    });
  };
  return (
    <section className="card" aria-labelledby="staff-title">
      <h2 id="staff-title">{t('signin.staff.title')}</h2>
      <p className="muted">{t('signin.staff.hint')}</p>
      {tenantId ? (
        <button type="button" className="primary" onClick={() => go(tenantId)}>{t('signin.staff.sso')}</button>
      ) : (
        <form onSubmit={submit}>
          <label htmlFor="staff-email">{t('signin.workEmail')}</label>
          <input id="staff-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {notFound && <p className="error" role="alert">{t('signin.staff.unknownDomain')}</p>}
          <ErrorNote error={action.error} />
          <button className="primary" disabled={action.busy}>{t('signin.continue')}</button>
        </form>
      )}
    </section>
  );
}

export function ClientSignIn({ tenantId: initialTenant, email: initialEmail, maskedEmail, codeSent, onSignedIn }: { tenantId?: string; email?: string; maskedEmail?: string; codeSent?: boolean; onSignedIn(): void }) {
  const { t } = useI18n();
  const [tenantId, setTenantId] = useState(initialTenant ?? '');
  const [email, setEmail] = useState(initialEmail ?? '');
  const [sent, setSent] = useState(!!codeSent);
  const [code, setCode] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const action = useAction();

  const requestCode = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/client/login/code', { tenantId, email });
      setSent(true);
    });
  };
  const signIn = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      try {
        await api('POST', '/client/login', { tenantId, email, code, ...(needTotp ? { totp } : {}) }, { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.totpRequired && !needTotp) { setNeedTotp(true); action.setError(undefined); return; }
        throw err;
      }
      rememberTenant(tenantId);
      onSignedIn();
    });
  };
  return (
    <section className="card" aria-labelledby="client-title">
      <h2 id="client-title">{t('signin.client.title')}</h2>
      {!sent ? (
        <form onSubmit={requestCode}>
          <p className="muted">{t('signin.client.hint')}</p>
          <label htmlFor="client-email">{t('signin.email')}</label>
          <input id="client-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {!initialTenant && (<>
            <label htmlFor="client-tenant">{t('signin.client.firm')}</label>
            <input id="client-tenant" required value={tenantId} onChange={(e) => setTenantId(e.target.value)} aria-describedby="client-tenant-hint" />
            <p id="client-tenant-hint" className="muted small">{t('signin.client.firmHint')}</p>
          </>)}
          <ErrorNote error={action.error} />
          <button className="primary" disabled={action.busy}>{t('signin.client.sendCode')}</button>
        </form>
      ) : (
        <form onSubmit={signIn}>
          <p role="status">{t('signin.client.codeSent', { email: maskedEmail ?? email })}</p>
          {maskedEmail && (<>
            {/* The invitation answer shows the address masked; the sign-in needs it in full. */}
            <label htmlFor="client-email">{t('signin.email')}</label>
            <input id="client-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </>)}
          <label htmlFor="client-code">{t('signin.client.code')}</label>
          <input id="client-code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value.trim())} />
          {needTotp && (<>
            <label htmlFor="client-totp">{t('signin.totp')}</label>
            <input id="client-totp" inputMode="numeric" autoComplete="one-time-code" required value={totp} onChange={(e) => setTotp(e.target.value.trim())} />
          </>)}
          <ErrorNote error={action.error} />
          <div className="row">
            <button className="primary" disabled={action.busy}>{t('signin.signIn')}</button>
            <button type="button" className="link" onClick={() => { setSent(false); setCode(''); }}>{t('signin.client.newCode')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function TenantSignIn({ onSignedIn }: { onSignedIn(): void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      try {
        await api('POST', '/tenant/login', { username, password, ...(needTotp ? { totp } : {}) }, { quiet401: true });
      } catch (err) {
        // The right password without a code: ask for the code (the server counted no attempt).
        if (err instanceof ApiError && err.totpRequired && !needTotp) { setNeedTotp(true); return; }
        throw err;
      }
      onSignedIn();
    });
  };
  return (
    <section className="card" aria-labelledby="tenant-title">
      <h2 id="tenant-title">{t('signin.tenant.title')}</h2>
      <p className="muted">{t('signin.tenant.hint')}</p>
      <form onSubmit={submit}>
        <label htmlFor="tenant-username">{t('signin.username')}</label>
        <input id="tenant-username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="tenant-password">{t('signin.password')}</label>
        <input id="tenant-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {needTotp && (<>
          <label htmlFor="tenant-totp">{t('signin.totp')}</label>
          <input id="tenant-totp" inputMode="numeric" autoComplete="one-time-code" required autoFocus value={totp} onChange={(e) => setTotp(e.target.value.trim())} />
        </>)}
        <ErrorNote error={action.error} />
        <button className="primary" disabled={action.busy}>{t('signin.signIn')}</button>
      </form>
    </section>
  );
}
