// Is Entra's provisioning reaching us, did its last call fail, which Secret Tokens are live.
import { useState } from 'react';
import { api, type TenantInfo } from '../../api';
import { CopyField, ErrorNote, Loading, useAction, useAsync } from '../../components/ui';
import { useI18n } from '../../i18n';

interface Token { id: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null }
interface LogEntry { at: string; method: string; path: string; status: number; error?: string }
interface Status { tokens: Token[]; lastRequest: LogEntry | null; lastError: LogEntry | null }

export function ScimTab({ tenant }: { tenant: TenantInfo }) {
  const i = useI18n();
  const { t } = i;
  const s = useAsync(() => api<Status>('GET', '/tenant/scim'), []);
  const [fresh, setFresh] = useState<string>();
  const action = useAction();
  const rotate = () => void action.run(async () => {
    const r = await api<{ bearerToken: string }>('POST', '/tenant/scim/tokens', {});
    setFresh(r.bearerToken);
    s.reload();
  });
  const revoke = (tok: Token) => {
    if (!confirm(t('scim.confirmRevoke'))) return;
    void action.run(async () => { await api('DELETE', `/tenant/scim/tokens/${encodeURIComponent(tok.id)}`); s.reload(); });
  };
  const entry = (e: LogEntry | null) => (e ? `${i.date(e.at)} · ${e.method} ${e.path} · ${e.status}${e.error ? ` · ${e.error}` : ''}` : t('scim.never'));
  return (<>
    <section className="card" aria-labelledby="scim-status">
      <h2 id="scim-status">{t('scim.status')}</h2>
      <CopyField id="scim-url" label={t('setup.scimUrl')} value={tenant.scimUrl} />
      {!s.data ? (s.loading ? <Loading /> : <ErrorNote error={s.error} />) : (
        <dl className="facts">
          <dt>{t('scim.lastRequest')}</dt><dd>{entry(s.data.lastRequest)}</dd>
          <dt>{t('scim.lastError')}</dt><dd className={s.data.lastError ? 'error-text' : ''}>{entry(s.data.lastError)}</dd>
        </dl>
      )}
    </section>
    <section className="card" aria-labelledby="scim-tokens">
      <div className="row spread"><h2 id="scim-tokens">{t('scim.tokens')}</h2><button type="button" className="primary" onClick={rotate} disabled={action.busy}>{t('scim.rotate')}</button></div>
      {fresh && (
        <div className="notice" role="status">
          <p>{t('scim.newTokenOnce')}</p>
          <CopyField id="scim-new" label={t('setup.token')} value={fresh} />
        </div>
      )}
      <ErrorNote error={action.error} />
      {s.data && (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('scim.created')}</th><th scope="col">{t('scim.lastUsed')}</th><th scope="col">{t('scim.state')}</th><th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th></tr></thead>
            <tbody>
              {s.data.tokens.map((tok) => (
                <tr key={tok.id}>
                  <td>{i.date(tok.createdAt)}</td>
                  <td>{tok.lastUsedAt ? i.date(tok.lastUsedAt) : t('scim.never')}</td>
                  <td>{tok.revokedAt ? t('scim.revoked') : tok.expiresAt ? t('scim.expires', { date: i.date(tok.expiresAt) }) : t('scim.live')}</td>
                  <td>{!tok.revokedAt && <button type="button" className="link danger" onClick={() => revoke(tok)}>{t('scim.revoke')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  </>);
}
