// The provisioning log (why Entra reports a failure) and the audit log (with export), each filtered.
import { useState } from 'react';
import { api, query } from '../../api';
import { ErrorNote, Loading, useAsync } from '../../components/ui';
import { useI18n } from '../../i18n';

interface ProvEntry { at: string; method: string; path: string; status: number; userId: string | null; error?: string; ignored?: string[] }

export function ProvisioningTab() {
  const i = useI18n();
  const { t } = i;
  const [status, setStatus] = useState('');
  const [userId, setUserId] = useState('');
  const log = useAsync(() => api<{ total: number; items: ProvEntry[] }>('GET', `/tenant/provisioning-log${query({ status, userId: userId.trim(), count: 200 })}`), [status, userId]);
  return (
    <section className="card" aria-labelledby="prov-title">
      <h2 id="prov-title">{t('prov.entries', { n: log.data?.total ?? 0 })}</h2>
      <div className="filters">
        <div>
          <label htmlFor="p-status">{t('prov.status')}</label>
          <select id="p-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="error">{t('prov.errors')}</option>
            <option value="2xx">2xx</option><option value="4xx">4xx</option><option value="5xx">5xx</option>
          </select>
        </div>
        <div>
          <label htmlFor="p-user">{t('prov.userId')}</label>
          <input id="p-user" value={userId} onChange={(e) => setUserId(e.target.value)} />
        </div>
      </div>
      {!log.data ? (log.loading ? <Loading /> : <ErrorNote error={log.error} />) : log.data.items.length === 0 ? <p className="muted">{t('prov.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('log.time')}</th><th scope="col">{t('prov.request')}</th><th scope="col">{t('prov.status')}</th><th scope="col">{t('prov.why')}</th></tr></thead>
            <tbody>
              {log.data.items.map((e, n) => (
                <tr key={n} className={e.status >= 400 ? 'row-error' : ''}>
                  <td>{i.date(e.at)}</td>
                  <td className="mono small">{e.method} {e.path}</td>
                  <td>{e.status}</td>
                  <td className="small">{e.error ?? ''}{e.ignored?.length ? `${e.error ? ' · ' : ''}${t('prov.ignored', { list: e.ignored.join(', ') })}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface AuditEntry { seq: number; at: string; actor: string; action: string; target: string | null; detail: unknown }

export function AuditTab() {
  const i = useI18n();
  const { t } = i;
  const [f, setF] = useState({ action: '', actor: '', target: '', from: '', to: '' });
  const q = query({ ...f, count: 200 });
  const log = useAsync(() => api<{ total?: number; items: AuditEntry[] }>('GET', `/tenant/audit${q}`), [q]);
  const field = (k: keyof typeof f, label: string, type = 'text') => (
    <div>
      <label htmlFor={`a-${k}`}>{label}</label>
      <input id={`a-${k}`} type={type} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
    </div>
  );
  const exportQ = query({ ...f });
  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="row spread">
        <h2 id="audit-title">{t('audit.entries')}</h2>
        <div className="row">
          <a className="button" href={`/api/tenant/audit/export${exportQ ? `${exportQ}&` : '?'}format=csv`} download>{t('audit.exportCsv')}</a>
          <a className="button" href={`/api/tenant/audit/export${exportQ ? `${exportQ}&` : '?'}format=jsonl`} download>{t('audit.exportJsonl')}</a>
        </div>
      </div>
      <div className="filters">
        {field('action', t('audit.action'))}
        {field('actor', t('audit.actor'))}
        {field('target', t('audit.target'))}
        {field('from', t('audit.from'), 'date')}
        {field('to', t('audit.to'), 'date')}
      </div>
      {!log.data ? (log.loading ? <Loading /> : <ErrorNote error={log.error} />) : log.data.items.length === 0 ? <p className="muted">{t('audit.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('log.time')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.target')}</th></tr></thead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.seq}><td>{i.date(e.at)}</td><td className="mono small">{e.actor}</td><td className="mono small">{e.action}</td><td className="mono small break">{e.target ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
