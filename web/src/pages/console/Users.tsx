// The staff Entra provisioned, filtered; an ADMIN acts as admin only once promoted here.
import { useState } from 'react';
import { api, query } from '../../api';
import { ErrorNote, Loading, useAction, useAsync } from '../../components/ui';
import { useI18n } from '../../i18n';

interface User { id: string; userName: string; displayName: string; email: string; userType: string | null; active: boolean; promoted: boolean }

export function UsersTab() {
  const { t } = useI18n();
  const [userType, setUserType] = useState('');
  const [active, setActive] = useState('');
  const [q, setQ] = useState('');
  const users = useAsync(() => api<{ total: number; items: User[] }>('GET', `/tenant/users${query({ userType, active, q: q.trim(), count: 500 })}`), [userType, active, q]);
  const action = useAction();
  const toggle = (u: User) => void action.run(async () => { await api('POST', `/tenant/users/${encodeURIComponent(u.id)}/${u.promoted ? 'demote' : 'promote'}`); users.reload(); });
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('users.count', { n: users.data?.total ?? 0 })}</h2>
      <div className="filters">
        <div>
          <label htmlFor="u-q">{t('users.search')}</label>
          <input id="u-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div>
          <label htmlFor="u-type">{t('users.role')}</label>
          <select id="u-type" value={userType} onChange={(e) => setUserType(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="ADMIN">{t('role.ADMIN')}</option>
            <option value="ADVISOR">{t('role.ADVISOR')}</option>
          </select>
        </div>
        <div>
          <label htmlFor="u-active">{t('users.status')}</label>
          <select id="u-active" value={active} onChange={(e) => setActive(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="true">{t('users.active')}</option>
            <option value="false">{t('users.inactive')}</option>
          </select>
        </div>
      </div>
      <ErrorNote error={action.error} />
      {!users.data ? (users.loading ? <Loading /> : <ErrorNote error={users.error} />) : users.data.items.length === 0 ? <p className="muted">{t('users.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('users.name')}</th><th scope="col">{t('users.userName')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('users.status')}</th><th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th></tr></thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.displayName}</td>
                  <td className="mono small break">{u.userName}</td>
                  <td>{u.userType ? t(`role.${u.userType as 'ADMIN'}`) : t('users.noRole')}{u.userType === 'ADMIN' && (u.promoted ? ` · ${t('users.promoted')}` : ` · ${t('users.pending')}`)}</td>
                  <td>{u.active ? t('users.active') : t('users.inactive')}</td>
                  <td>{u.userType === 'ADMIN' && (
                    <button type="button" onClick={() => toggle(u)} disabled={action.busy} aria-label={t(u.promoted ? 'users.demoteNamed' : 'users.promoteNamed', { name: u.displayName })}>
                      {t(u.promoted ? 'users.demote' : 'users.promote')}
                    </button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
