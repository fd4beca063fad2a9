// The firm's console (its super user, signed in with username + password): one tab per task.
import type { TenantInfo } from '../../api';
import { Link, Page } from '../../components/ui';
import { useI18n, type Key } from '../../i18n';
import { AuditTab, ProvisioningTab } from './Logs';
import { IdpTab } from './Idp';
import { ScimTab } from './Scim';
import { SettingsTab } from './Settings';
import { SetupTab } from './Setup';
import { UsersTab } from './Users';

const TABS = ['setup', 'idp', 'scim', 'provisioning', 'users', 'audit', 'settings'] as const;
export type ConsoleTab = (typeof TABS)[number];

export function ConsolePage({ tenant, tab, reloadTenant }: { tenant: TenantInfo; tab: string; reloadTenant(): void }) {
  const { t } = useI18n();
  const current: ConsoleTab = (TABS as readonly string[]).includes(tab) ? (tab as ConsoleTab) : 'setup';
  return (
    <Page title={t(`console.${current}` as Key)}>
      <nav aria-label={t('console.nav')} className="tabs">
        <ul>
          {TABS.map((x) => (
            <li key={x}><Link to={`/console/${x}`} className={x === current ? 'active' : ''}>{t(`console.${x}` as Key)}</Link></li>
          ))}
        </ul>
      </nav>
      {current === 'setup' && <SetupTab tenant={tenant} />}
      {current === 'idp' && <IdpTab onChanged={reloadTenant} />}
      {current === 'scim' && <ScimTab tenant={tenant} />}
      {current === 'provisioning' && <ProvisioningTab />}
      {current === 'users' && <UsersTab />}
      {current === 'audit' && <AuditTab />}
      {current === 'settings' && <SettingsTab tenant={tenant} onChanged={reloadTenant} />}
    </Page>
  );
}
