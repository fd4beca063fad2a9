// The four values the firm's IT enters in Entra, side by side with copy buttons, and the guide's steps.
import type { TenantInfo } from '../../api';
import { CopyField, Link } from '../../components/ui';
import { useI18n } from '../../i18n';

export function SetupTab({ tenant }: { tenant: TenantInfo }) {
  const { t } = useI18n();
  return (<>
    <section className="card" aria-labelledby="values-title">
      <h2 id="values-title">{t('setup.values')}</h2>
      <div className="values">
        <CopyField id="v-scim" label={t('setup.scimUrl')} value={tenant.scimUrl} />
        <div className="copy-field">
          <span className="label">{t('setup.token')}</span>
          <p className="muted">{t('setup.tokenHint')} <Link to="/console/scim">{t('setup.toScim')}</Link></p>
        </div>
        <CopyField id="v-saml" label={t('setup.samlUrl')} value={tenant.samlUrl} />
        <CopyField id="v-id" label={t('setup.tenantId')} value={tenant.tenantId} />
      </div>
      <CopyField id="v-login" label={t('setup.staffLink')} value={`${location.origin}/t/${encodeURIComponent(tenant.tenantId)}`} />
    </section>
    <section className="card" aria-labelledby="steps-title">
      <h2 id="steps-title">{t('setup.steps')}</h2>
      <ol className="steps">
        <li>{t('setup.step1')}</li>
        <li>{t('setup.step2')}</li>
        <li>{t('setup.step3')}</li>
        <li>{t('setup.step4')}</li>
        <li>{t('setup.step5')}</li>
        <li>{t('setup.step6')}</li>
      </ol>
      <p>{tenant.idpConfigured ? t('setup.idpDone') : t('setup.idpMissing')} <Link to="/console/idp">{t('console.idp')}</Link></p>
    </section>
  </>);
}
