// Default language of new staff, the console password, and TOTP for the console sign-in.
import qrcode from 'qrcode-generator';
import { useMemo, useState, type FormEvent } from 'react';
import { api, type TenantInfo } from '../../api';
import { CopyField, ErrorNote, Notice, useAction } from '../../components/ui';
import { useI18n } from '../../i18n';
import { LANGS, LANG_NAMES } from '../../i18n/languages';

export function SettingsTab({ tenant, onChanged }: { tenant: TenantInfo; onChanged(): void }) {
  return (<>
    <DefaultLanguage tenant={tenant} onChanged={onChanged} />
    <Totp tenant={tenant} onChanged={onChanged} />
    <Password />
  </>);
}

function DefaultLanguage({ tenant, onChanged }: { tenant: TenantInfo; onChanged(): void }) {
  const { t } = useI18n();
  const [lang, setLang] = useState(tenant.defaultLanguage);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => { await api('PATCH', '/tenant/settings', { defaultLanguage: lang }); setSaved(true); onChanged(); });
  };
  return (
    <section className="card" aria-labelledby="lang-title">
      <h2 id="lang-title">{t('settings.language')}</h2>
      <form onSubmit={submit} className="row wrap">
        <label htmlFor="default-lang">{t('settings.languageHint')}</label>
        <select id="default-lang" value={lang} onChange={(e) => { setLang(e.target.value); setSaved(false); }}>
          {LANGS.map((l) => <option key={l} value={l.toUpperCase()}>{LANG_NAMES[l]}</option>)}
        </select>
        <button className="primary" disabled={action.busy}>{t('common.save')}</button>
      </form>
      {saved && <Notice>{t('common.saved')}</Notice>}
      <ErrorNote error={action.error} />
    </section>
  );
}

/** The otpauth URI as a QR code image (a data: URL, which the CSP's img-src allows; no script, no request). */
function QrCode({ uri, label }: { uri: string; label: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(uri);
    qr.make();
    return qr.createDataURL(5, 4);
  }, [uri]);
  return <img src={src} alt={label} className="qr" />;
}

function Totp({ tenant, onChanged }: { tenant: TenantInfo; onChanged(): void }) {
  const { t } = useI18n();
  const [enrol, setEnrol] = useState<{ secret: string; otpauthUri: string }>();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const start = () => void action.run(async () => setEnrol(await api('POST', '/tenant/totp/enroll')));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => { await api('POST', '/tenant/totp/confirm', { code }); setEnrol(undefined); setCode(''); setDone(t('totp.enabled')); onChanged(); });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => { await api('DELETE', '/tenant/totp', { password, code }); setCode(''); setPassword(''); setDone(t('totp.disabled')); onChanged(); });
  };
  return (
    <section className="card" aria-labelledby="totp-title">
      <h2 id="totp-title">{t('totp.title')}</h2>
      <p>{tenant.totpEnabled ? t('totp.on') : t('totp.off')}</p>
      {!tenant.totpEnabled && !enrol && <button type="button" className="primary" onClick={start} disabled={action.busy}>{t('totp.start')}</button>}
      {enrol && (
        <form onSubmit={confirm}>
          <p>{t('totp.scan')}</p>
          <QrCode uri={enrol.otpauthUri} label={t('totp.qr')} />
          <CopyField id="totp-secret" label={t('totp.secret')} value={enrol.secret} />
          <p><a href={enrol.otpauthUri}>{t('totp.openApp')}</a></p>
          <label htmlFor="totp-code">{t('totp.code')}</label>
          <input id="totp-code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value.trim())} />
          <button className="primary" disabled={action.busy}>{t('totp.confirm')}</button>
        </form>
      )}
      {tenant.totpEnabled && (
        <form onSubmit={disable}>
          <label htmlFor="totp-off-password">{t('signin.password')}</label>
          <input id="totp-off-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <label htmlFor="totp-off-code">{t('totp.code')}</label>
          <input id="totp-off-code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value.trim())} />
          <button disabled={action.busy}>{t('totp.disable')}</button>
        </form>
      )}
      {done && <Notice>{done}</Notice>}
      <ErrorNote error={action.error} />
    </section>
  );
}

function Password() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    void action.run(async () => { await api('POST', '/tenant/password', { currentPassword: current, newPassword: next }); setCurrent(''); setNext(''); setDone(true); });
  };
  return (
    <section className="card" aria-labelledby="pw-title">
      <h2 id="pw-title">{t('password.title')}</h2>
      <form onSubmit={submit}>
        <label htmlFor="pw-current">{t('password.current')}</label>
        <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <label htmlFor="pw-new">{t('password.new')}</label>
        <input id="pw-new" type="password" autoComplete="new-password" minLength={12} maxLength={1024} required value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="pw-hint" />
        <p id="pw-hint" className="muted small">{t('password.hint')}</p>
        <button className="primary" disabled={action.busy}>{t('password.change')}</button>
      </form>
      {done && <Notice>{t('password.changed')}</Notice>}
      <ErrorNote error={action.error} />
    </section>
  );
}
