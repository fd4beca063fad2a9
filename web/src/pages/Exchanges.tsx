// My exchanges: an advisor's (owned and as deputy, with "create") or a client's (invited to).
import { useMemo, useState, type FormEvent } from 'react';
import { api, type Exchange } from '../api';
import { ErrorNote, Link, Loading, Page, useAction, useAsync } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate } from '../router';

export function ExchangesPage({ base, canCreate }: { base: '/app' | '/client'; canCreate: boolean }) {
  const { t, date } = useI18n();
  const [state, setState] = useState('');
  const [filter, setFilter] = useState('');
  const list = useAsync(() => api<{ items: Exchange[] }>('GET', `/exchanges${state ? `?state=${state}` : ''}`), [state]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (list.data?.items ?? []).filter((x) => !f || x.title.toLowerCase().includes(f));
  }, [list.data, filter]);
  return (
    <Page title={t('exchanges.title')}>
      {canCreate && <CreateExchange />}
      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title" className="visually-hidden">{t('exchanges.list')}</h2>
        <div className="filters">
          <div>
            <label htmlFor="x-search">{t('exchanges.search')}</label>
            <input id="x-search" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <div>
            <label htmlFor="x-state">{t('exchanges.state')}</label>
            <select id="x-state" value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {(['open', 'closed', 'archived'] as const).map((s) => <option key={s} value={s}>{t(`state.${s}`)}</option>)}
            </select>
          </div>
        </div>
        {list.loading && !list.data ? <Loading /> : <ErrorNote error={list.error} />}
        {list.data && (shown.length === 0 ? <p className="muted">{t('exchanges.none')}</p> : (
          <ul className="list" aria-label={t('exchanges.list')}>
            {shown.map((x) => (
              <li key={x.id} className="list-item">
                <Link to={`${base}/exchanges/${encodeURIComponent(x.id)}`} className="title">{x.title}</Link>
                <span className={`badge state-${x.effectiveState}`}>{t(`state.${x.effectiveState as 'open'}`)}</span>
                {x.relation === 'deputy' && <span className="badge">{t('exchanges.deputy')}</span>}
                <span className="muted small">{date(x.createdAt, false)}</span>
              </li>
            ))}
          </ul>
        ))}
      </section>
    </Page>
  );
}

function CreateExchange() {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const x = await api<{ id: string }>('POST', '/exchanges', { title });
      navigate(`/app/exchanges/${encodeURIComponent(x.id)}`);
    });
  };
  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">{t('exchanges.create')}</h2>
      <form onSubmit={submit} className="row wrap">
        <label htmlFor="new-title" className="visually-hidden">{t('exchanges.newTitle')}</label>
        <input id="new-title" required maxLength={200} placeholder={t('exchanges.newTitle')} value={title} onChange={(e) => setTitle(e.target.value)} />
        <button className="primary" disabled={action.busy}>{t('exchanges.createButton')}</button>
      </form>
      <ErrorNote error={action.error} />
    </section>
  );
}
