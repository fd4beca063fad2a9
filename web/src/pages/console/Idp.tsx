// The IdP from Entra's Federation Metadata XML (file or pasted) or its App Federation Metadata URL,
// and every trusted signing certificate with its expiry, so a coming rollover is seen in time.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { ErrorNote, Loading, Notice, useAction, useAsync } from '../../components/ui';
import { useI18n } from '../../i18n';

interface Idp {
  entityId: string; ssoUrl: string; source: string; sourceUrl: string | null; refreshedAt: string | null; refreshError: string | null;
  certificates: Array<{ subject: string; notBefore: string; notAfter: string; fingerprint256: string; expired: boolean; expiresWithin30Days: boolean }>;
}

export function IdpTab({ onChanged }: { onChanged(): void }) {
  const i = useI18n();
  const { t } = i;
  const idp = useAsync(() => api<Idp>('GET', '/tenant/idp').catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }), []);
  const [mode, setMode] = useState<'file' | 'url'>('file');
  const [xml, setXml] = useState('');
  const [url, setUrl] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await api('PUT', '/tenant/idp', mode === 'url' ? { metadataUrl: url } : { metadataXml: xml });
      setSaved(true);
      setXml('');
      idp.reload();
      onChanged();
    });
  };
  return (<>
    <section className="card" aria-labelledby="idp-now">
      <h2 id="idp-now">{t('idp.current')}</h2>
      {idp.loading && !idp.data ? <Loading /> : <ErrorNote error={idp.error} />}
      {!idp.loading && !idp.data && !idp.error && <p className="muted">{t('idp.none')}</p>}
      {idp.data && (<>
        <dl className="facts">
          <dt>{t('idp.entityId')}</dt><dd className="mono">{idp.data.entityId}</dd>
          <dt>{t('idp.ssoUrl')}</dt><dd className="mono">{idp.data.ssoUrl}</dd>
          <dt>{t('idp.source')}</dt><dd className="mono">{idp.data.sourceUrl ?? t('idp.uploaded')}</dd>
          {idp.data.refreshedAt && (<><dt>{t('idp.refreshed')}</dt><dd>{i.date(idp.data.refreshedAt)}</dd></>)}
        </dl>
        {idp.data.refreshError && <p className="error">{t('idp.refreshError')}</p>}
        <h3>{t('idp.certificates')}</h3>
        <ul className="list">
          {idp.data.certificates.map((c) => (
            <li key={c.fingerprint256} className="list-item column">
              <span className="mono small">{c.subject}</span>
              <span>{t('idp.validUntil', { date: i.date(c.notAfter, false) })}
                {c.expired && <span className="badge warn">{t('idp.expired')}</span>}
                {c.expiresWithin30Days && <span className="badge warn">{t('idp.expiresSoon')}</span>}</span>
              <span className="mono small break">{c.fingerprint256}</span>
            </li>
          ))}
        </ul>
      </>)}
    </section>
    <section className="card" aria-labelledby="idp-form">
      <h2 id="idp-form">{t('idp.import')}</h2>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('idp.how')}</legend>
          <label className="check"><input type="radio" name="idp-mode" checked={mode === 'file'} onChange={() => setMode('file')} /> {t('idp.byXml')}</label>
          <label className="check"><input type="radio" name="idp-mode" checked={mode === 'url'} onChange={() => setMode('url')} /> {t('idp.byUrl')}</label>
        </fieldset>
        {mode === 'file' ? (<>
          <label htmlFor="idp-file">{t('idp.file')}</label>
          <input id="idp-file" type="file" accept=".xml,application/xml,text/xml" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void f.text().then(setXml); }} />
          <label htmlFor="idp-xml">{t('idp.xml')}</label>
          <textarea id="idp-xml" rows={6} required value={xml} onChange={(e) => setXml(e.target.value)} className="mono" />
        </>) : (<>
          <label htmlFor="idp-url">{t('idp.url')}</label>
          <input id="idp-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://login.microsoftonline.com/…/federationmetadata/2007-06/federationmetadata.xml?appid=…" />
        </>)}
        <ErrorNote error={action.error} />
        {saved && <Notice>{t('idp.saved')}</Notice>}
        <button className="primary" disabled={action.busy}>{t('common.save')}</button>
      </form>
    </section>
  </>);
}
