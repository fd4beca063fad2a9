// The invitation link from the mail: using it (once) mails the sign-in code, then the code form.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { ErrorNote, Loading, Page } from '../components/ui';
import { useI18n } from '../i18n';
import { ClientSignIn, rememberTenant } from './SignIn';

interface Accepted { tenantId: string; exchangeId: string; email: string; codeSent: boolean }

export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn(): void }) {
  const { t } = useI18n();
  const [accepted, setAccepted] = useState<Accepted>();
  const [error, setError] = useState<unknown>();
  const once = useRef(false);
  useEffect(() => {
    // The link works once: React's development double effect must not spend it twice.
    if (once.current) return;
    once.current = true;
    api<Accepted>('POST', '/client/invitations/accept', { token }).then((a) => { rememberTenant(a.tenantId); setAccepted(a); }, setError);
  }, [token]);
  return (
    <Page title={t('invite.title')}>
      {error ? (<>
        <ErrorNote error={error} />
        <p>{t('invite.used')}</p>
        <a href="/signin">{t('invite.toSignIn')}</a>
      </>) : !accepted ? <Loading /> : (
        <ClientSignIn tenantId={accepted.tenantId} maskedEmail={accepted.email} codeSent={accepted.codeSent} onSignedIn={onSignedIn} />
      )}
    </Page>
  );
}
