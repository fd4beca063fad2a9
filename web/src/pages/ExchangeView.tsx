// One exchange: its documents (upload, download, versions, delete), its people and invitations, and
// its activity. Advisors (owner or deputy) see everything; clients the documents only.
import { Fragment, useRef, useState } from 'react';
import { api, type DocumentItem, type Exchange } from '../api';
import { Uploader, type UploaderHandle } from '../components/Uploader';
import { ErrorNote, Link, Loading, Page, useAction, useAsync } from '../components/ui';
import { useI18n } from '../i18n';
import { InvitePanel } from './InvitePanel';

const enc = encodeURIComponent;

export function ExchangeView({ id, staff }: { id: string; staff: boolean }) {
  const { t } = useI18n();
  const x = useAsync(() => api<Exchange>('GET', `/exchanges/${enc(id)}`), [id]);
  const docs = useAsync(() => api<{ items: DocumentItem[] }>('GET', `/exchanges/${enc(id)}/documents`), [id]);
  const action = useAction();
  const uploader = useRef<UploaderHandle>(null);
  const change = (verb: 'close' | 'reopen' | 'archive') => void action.run(async () => { await api('POST', `/exchanges/${enc(id)}/${verb}`); x.reload(); });
  const back = staff ? '/app' : '/client';
  if (!x.data) return <Page title={t('exchange.title')}>{x.loading ? <Loading /> : <ErrorNote error={x.error} />}<Link to={back}>{t('exchange.back')}</Link></Page>;
  const ex = x.data;
  const open = ex.effectiveState === 'open';
  return (
    <Page title={ex.title}>
      <p><Link to={back}>{t('exchange.back')}</Link></p>
      <div className="row wrap">
        <span className={`badge state-${ex.effectiveState}`}>{t(`state.${ex.effectiveState as 'open'}`)}</span>
        {ex.owner && <span className="muted">{t('exchange.owner', { name: ex.owner.displayName })}</span>}
        {staff && open && <button type="button" onClick={() => change('close')} disabled={action.busy}>{t('exchange.close')}</button>}
        {staff && ex.state !== 'open' && <button type="button" onClick={() => change('reopen')} disabled={action.busy}>{t('exchange.reopen')}</button>}
        {staff && ex.state !== 'archived' && <button type="button" onClick={() => change('archive')} disabled={action.busy}>{t('exchange.archive')}</button>}
      </div>
      <ErrorNote error={action.error} />
      {open ? <Uploader ref={uploader} exchangeId={id} onUploaded={docs.reload} /> : <p className="notice">{t('exchange.noUploads')}</p>}
      <Documents exchangeId={id} staff={staff} open={open} docs={docs.data?.items} error={docs.error} reload={docs.reload}
        newVersion={(file, documentId) => uploader.current?.addVersion(file, documentId)} />
      {staff && <InvitePanel exchangeId={id} />}
      {staff && <Activity exchangeId={id} />}
    </Page>
  );
}

function Documents({ exchangeId, staff, open, docs, error, reload, newVersion }: {
  exchangeId: string; staff: boolean; open: boolean; docs?: DocumentItem[]; error: unknown; reload(): void; newVersion(file: File, documentId: string): void;
}) {
  const i = useI18n();
  const { t } = i;
  const [versionsOf, setVersionsOf] = useState<string>();
  const action = useAction();
  const remove = (d: DocumentItem) => {
    if (!confirm(t('documents.confirmDelete', { name: d.name }))) return;
    void action.run(async () => { await api('DELETE', `/exchanges/${enc(exchangeId)}/documents/${enc(d.id)}`); reload(); });
  };
  return (
    <section className="card" aria-labelledby="docs-title">
      <h2 id="docs-title">{t('documents.title')}</h2>
      <ErrorNote error={error ?? action.error} />
      {!docs ? (!error && <Loading />) : docs.length === 0 ? <p className="muted">{t('documents.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('documents.name')}</th><th scope="col">{t('documents.size')}</th><th scope="col">{t('documents.version')}</th><th scope="col">{t('documents.updated')}</th><th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th></tr></thead>
            <tbody>
              {docs.map((d) => (<Fragment key={d.id}>
                <tr>
                  <td className="name">{d.name}</td>
                  <td data-label={t('documents.size')}>{i.bytes(d.size)}</td>
                  <td data-label={t('documents.version')}>{d.version}</td>
                  <td data-label={t('documents.updated')}>{i.date((d as { updatedAt?: string }).updatedAt ?? d.createdAt)}</td>
                  <td className="actions">
                    <a href={`/api/exchanges/${enc(exchangeId)}/documents/${enc(d.id)}/content`} download={d.name} aria-label={t('documents.downloadNamed', { name: d.name })}>{t('documents.download')}</a>
                    {d.versionCount > 1 && (
                      <button type="button" className="link" aria-expanded={versionsOf === d.id} onClick={() => setVersionsOf(versionsOf === d.id ? undefined : d.id)}>
                        {t('documents.versions', { n: d.versionCount })}
                      </button>
                    )}
                    {staff && open && (<>
                      <label className="link-label" htmlFor={`version-${d.id}`}>{t('documents.newVersion')}</label>
                      <input id={`version-${d.id}`} type="file" className="visually-hidden" aria-label={t('documents.newVersionNamed', { name: d.name })}
                        onChange={(e) => { const file = e.currentTarget.files?.[0]; if (file) newVersion(file, d.id); e.currentTarget.value = ''; }} />
                    </>)}
                    {staff && open && <button type="button" className="link danger" onClick={() => remove(d)} aria-label={t('documents.deleteNamed', { name: d.name })}>{t('common.delete')}</button>}
                  </td>
                </tr>
                {versionsOf === d.id && <tr><td colSpan={5}><Versions exchangeId={exchangeId} doc={d} /></td></tr>}
              </Fragment>))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface Version { version: number; size: number; createdAt: string }

function Versions({ exchangeId, doc }: { exchangeId: string; doc: DocumentItem }) {
  const i = useI18n();
  const v = useAsync(() => api<{ versions: Version[] }>('GET', `/exchanges/${enc(exchangeId)}/documents/${enc(doc.id)}/versions`), [doc.id, doc.versionCount]);
  if (!v.data) return v.loading ? <Loading /> : <ErrorNote error={v.error} />;
  return (
    <ul className="versions" aria-label={i.t('documents.versionsOf', { name: doc.name })}>
      {v.data.versions.map((x) => (
        <li key={x.version}>
          <a href={`/api/exchanges/${enc(exchangeId)}/documents/${enc(doc.id)}/versions/${x.version}/content`} download={doc.name}>
            {i.t('documents.versionN', { n: x.version })}
          </a>{' '}· {i.bytes(x.size)} · {i.date(x.createdAt)}
        </li>
      ))}
    </ul>
  );
}

const KNOWN_ACTIONS = ['exchange.create', 'exchange.update', 'exchange.close', 'exchange.reopen', 'exchange.archive', 'exchange.deputy.add',
  'exchange.deputy.remove', 'exchange.handover', 'document.upload', 'document.version', 'document.download', 'document.delete',
  'document.upload.cancel', 'client.invite', 'client.invitation.revoke', 'client.invitation.accept', 'client.access.revoke',
  'client.code.sent', 'client.signin'] as const;

/** Known actions in words; anything newer shows its code rather than nothing. */
function actionLabel(t: ReturnType<typeof useI18n>['t'], action: string): string {
  const known = (KNOWN_ACTIONS as readonly string[]).includes(action);
  return known ? t(`action.${action as (typeof KNOWN_ACTIONS)[number]}`) : action;
}

interface Entry { seq: number; at: string; actor: string; actorName: string | null; action: string; target: string | null }

function Activity({ exchangeId }: { exchangeId: string }) {
  const i = useI18n();
  const a = useAsync(() => api<{ items: Entry[] }>('GET', `/exchanges/${enc(exchangeId)}/activity?count=50`), [exchangeId]);
  return (
    <section className="card" aria-labelledby="activity-title">
      <div className="row spread"><h2 id="activity-title">{i.t('activity.title')}</h2><button type="button" onClick={a.reload}>{i.t('common.refresh')}</button></div>
      {!a.data ? (a.loading ? <Loading /> : <ErrorNote error={a.error} />) : a.data.items.length === 0 ? <p className="muted">{i.t('activity.none')}</p> : (
        <ol className="activity">
          {a.data.items.map((e) => (
            <li key={e.seq}><span className="muted small">{i.date(e.at)}</span> <strong>{e.actorName ?? i.t('activity.someone')}</strong> <span>{actionLabel(i.t, e.action)}</span></li>
          ))}
        </ol>
      )}
    </section>
  );
}
