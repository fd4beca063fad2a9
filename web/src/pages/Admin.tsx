// A promoted admin: every exchange of the firm, filtered by owner, state and "needs reassignment";
// deputies and hand-over per exchange. Document names are never shown to admins (the API omits them).
import { useState } from 'react';
import { api, type Exchange, type Person } from '../api';
import { ErrorNote, Loading, Notice, Page, useAction, useAsync } from '../components/ui';
import { useI18n } from '../i18n';

const enc = encodeURIComponent;

export function AdminPage({ promotionPending }: { promotionPending: boolean }) {
  const { t } = useI18n();
  if (promotionPending) return <Page title={t('admin.title')}><Notice>{t('admin.pending')}</Notice></Page>;
  return <AdminExchanges />;
}

function AdminExchanges() {
  const i = useI18n();
  const { t } = i;
  const [owner, setOwner] = useState('');
  const [state, setState] = useState('');
  const [needs, setNeeds] = useState(false);
  const [open, setOpen] = useState<string>();
  const advisors = useAsync(() => api<{ items: Person[] }>('GET', '/admin/advisors'), []);
  const q = new URLSearchParams({ count: '200', ...(owner ? { owner } : {}), ...(state ? { state } : {}), ...(needs ? { needsReassignment: 'true' } : {}) });
  const list = useAsync(() => api<{ total: number; items: Exchange[] }>('GET', `/admin/exchanges?${q}`), [q.toString()]);
  return (
    <Page title={t('admin.title')}>
      <section className="card" aria-labelledby="admin-filter">
        <h2 id="admin-filter" className="visually-hidden">{t('common.filters')}</h2>
        <div className="filters">
          <div>
            <label htmlFor="f-owner">{t('admin.owner')}</label>
            <select id="f-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {advisors.data?.items.map((a) => <option key={a.id} value={a.id}>{a.displayName}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="f-state">{t('exchanges.state')}</label>
            <select id="f-state" value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {(['open', 'closed', 'archived'] as const).map((s) => <option key={s} value={s}>{t(`state.${s}`)}</option>)}
            </select>
          </div>
          <div className="check">
            <input id="f-needs" type="checkbox" checked={needs} onChange={(e) => setNeeds(e.target.checked)} />
            <label htmlFor="f-needs">{t('admin.needsReassignment')}</label>
          </div>
        </div>
      </section>
      <section className="card" aria-labelledby="admin-list">
        <h2 id="admin-list">{t('admin.exchanges', { n: list.data?.total ?? 0 })}</h2>
        {!list.data ? (list.loading ? <Loading /> : <ErrorNote error={list.error} />) : list.data.items.length === 0 ? <p className="muted">{t('exchanges.none')}</p> : (
          <ul className="list">
            {list.data.items.map((x) => (
              <li key={x.id} className="list-item column">
                <div className="row wrap">
                  <strong className="title">{x.title}</strong>
                  <span className={`badge state-${x.effectiveState}`}>{t(`state.${x.effectiveState as 'open'}`)}</span>
                  {x.needsReassignment && <span className="badge warn">{t('admin.needsReassignment')}</span>}
                  <span className="muted">{t('exchange.owner', { name: x.owner?.displayName ?? '—' })}</span>
                  <span className="muted small">{t('admin.documents', { n: x.documentCount ?? 0 })}</span>
                  <button type="button" aria-expanded={open === x.id} onClick={() => setOpen(open === x.id ? undefined : x.id)}>{t('admin.manage')}</button>
                </div>
                {open === x.id && <Manage exchange={x} advisors={advisors.data?.items ?? []} reload={list.reload} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}

function Manage({ exchange, advisors, reload }: { exchange: Exchange; advisors: Person[]; reload(): void }) {
  const { t } = useI18n();
  const [deputy, setDeputy] = useState('');
  const [newOwner, setNewOwner] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const others = advisors.filter((a) => a.id !== exchange.owner?.id);
  const deputies = exchange.deputies ?? [];
  const run = (fn: () => Promise<unknown>, message: string) => void action.run(async () => { await fn(); setDone(message); reload(); });
  const sid = exchange.id.replace(/[^\w-]/g, '');
  return (
    <div className="manage">
      <h3>{t('admin.deputies')}</h3>
      {deputies.length === 0 ? <p className="muted">{t('admin.noDeputies')}</p> : (
        <ul className="list">
          {deputies.map((d) => (
            <li key={d.id} className="list-item">
              <span>{d.displayName}{d.active === false ? ` (${t('admin.inactive')})` : ''}</span>
              <button type="button" className="link danger" onClick={() => run(() => api('DELETE', `/exchanges/${enc(exchange.id)}/deputies/${enc(d.id)}`), t('admin.deputyRemoved'))}
                aria-label={t('admin.removeDeputyNamed', { name: d.displayName })}>{t('common.remove')}</button>
            </li>
          ))}
        </ul>
      )}
      <div className="row wrap">
        <label htmlFor={`dep-${sid}`}>{t('admin.addDeputy')}</label>
        <select id={`dep-${sid}`} value={deputy} onChange={(e) => setDeputy(e.target.value)}>
          <option value="">{t('admin.pick')}</option>
          {others.filter((a) => !deputies.some((d) => d.id === a.id)).map((a) => <option key={a.id} value={a.id}>{a.displayName}</option>)}
        </select>
        <button type="button" disabled={!deputy || action.busy} onClick={() => run(() => api('PUT', `/exchanges/${enc(exchange.id)}/deputies/${enc(deputy)}`), t('admin.deputyAdded'))}>{t('common.add')}</button>
      </div>
      <h3>{t('admin.handover')}</h3>
      <div className="row wrap">
        <label htmlFor={`own-${sid}`}>{t('admin.newOwner')}</label>
        <select id={`own-${sid}`} value={newOwner} onChange={(e) => setNewOwner(e.target.value)}>
          <option value="">{t('admin.pick')}</option>
          {others.map((a) => <option key={a.id} value={a.id}>{a.displayName}</option>)}
        </select>
        <button type="button" className="primary" disabled={!newOwner || action.busy}
          onClick={() => run(() => api('POST', `/exchanges/${enc(exchange.id)}/handover`, { ownerId: newOwner }), t('admin.handedOver'))}>{t('admin.handoverButton')}</button>
      </div>
      {done && <Notice>{done}</Notice>}
      <ErrorNote error={action.error} />
    </div>
  );
}
