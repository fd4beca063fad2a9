// Owner and deputies invite clients by e-mail, see the invitations' state, withdraw them and revoke access.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorNote, Loading, Notice, useAction, useAsync } from '../components/ui';
import { useI18n } from '../i18n';
import { LANGS, LANG_NAMES } from '../i18n/languages';

const enc = encodeURIComponent;
interface Invitation { id: string; email: string; displayName: string | null; status: 'pending' | 'used' | 'expired' | 'revoked'; createdAt: string; expiresAt: string }
interface Client { id: string; email: string; displayName: string | null; status: 'active' | 'revoked'; signedIn: boolean }

export function InvitePanel({ exchangeId }: { exchangeId: string }) {
  const i = useI18n();
  const { t } = i;
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState(i.lang.toUpperCase());
  const [sent, setSent] = useState('');
  const action = useAction();
  const invitations = useAsync(() => api<{ items: Invitation[] }>('GET', `/exchanges/${enc(exchangeId)}/invitations`), [exchangeId]);
  const clients = useAsync(() => api<{ items: Client[] }>('GET', `/exchanges/${enc(exchangeId)}/clients`), [exchangeId]);
  const reload = () => { invitations.reload(); clients.reload(); };

  const invite = (e: FormEvent) => {
    e.preventDefault();
    setSent('');
    void action.run(async () => {
      await api('POST', `/exchanges/${enc(exchangeId)}/invitations`, { email, ...(name ? { displayName: name } : {}), language });
      setSent(email);
      setEmail('');
      setName('');
      reload();
    });
  };
  const withdraw = (inv: Invitation) => void action.run(async () => { await api('DELETE', `/exchanges/${enc(exchangeId)}/invitations/${enc(inv.id)}`); reload(); });
  const revoke = (c: Client) => {
    if (!confirm(t('people.confirmRevoke', { name: c.displayName ?? c.email }))) return;
    void action.run(async () => { await api('DELETE', `/exchanges/${enc(exchangeId)}/clients/${enc(c.id)}`); reload(); });
  };

  return (
    <section className="card" aria-labelledby="people-title">
      <h2 id="people-title">{t('people.title')}</h2>
      <form onSubmit={invite} className="filters">
        <div>
          <label htmlFor="invite-email">{t('people.email')}</label>
          <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div>
          <label htmlFor="invite-name">{t('people.name')}</label>
          <input id="invite-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label htmlFor="invite-lang">{t('people.language')}</label>
          <select id="invite-lang" value={language} onChange={(e) => setLanguage(e.target.value)}>
            {LANGS.map((l) => <option key={l} value={l.toUpperCase()}>{LANG_NAMES[l]}</option>)}
          </select>
        </div>
        <div className="end"><button className="primary" disabled={action.busy}>{t('people.invite')}</button></div>
      </form>
      {sent && <Notice>{t('people.invited', { email: sent })}</Notice>}
      <ErrorNote error={action.error} />
      <h3>{t('people.clients')}</h3>
      {!clients.data ? (clients.loading ? <Loading /> : <ErrorNote error={clients.error} />) : clients.data.items.length === 0 ? <p className="muted">{t('people.noClients')}</p> : (
        <ul className="list">
          {clients.data.items.map((c) => (
            <li key={c.id} className="list-item">
              <span>{c.displayName ? `${c.displayName} · ` : ''}{c.email}</span>
              <span className="badge">{t(c.status === 'active' ? 'people.active' : 'people.revoked')}</span>
              {c.status === 'active' && <button type="button" className="link danger" onClick={() => revoke(c)}>{t('people.revoke')}</button>}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('people.invitations')}</h3>
      {!invitations.data ? (invitations.loading ? <Loading /> : <ErrorNote error={invitations.error} />) : invitations.data.items.length === 0 ? <p className="muted">{t('people.noInvitations')}</p> : (
        <ul className="list">
          {invitations.data.items.map((inv) => (
            <li key={inv.id} className="list-item">
              <span>{inv.email}</span>
              <span className="badge">{t(`invitation.${inv.status}`)}</span>
              <span className="muted small">{i.date(inv.createdAt)}</span>
              {inv.status === 'pending' && <button type="button" className="link danger" onClick={() => withdraw(inv)}>{t('people.withdraw')}</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
