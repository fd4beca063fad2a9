// Small building blocks every page uses: the page frame, fields with labels, errors read aloud.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { useI18n, type Key } from '../i18n';
import { onLinkClick } from '../router';

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <main id="main">
      <div className="page-head">
        {/* Focus moves here after each navigation (router.ts); tabIndex -1 keeps it out of the tab order. */}
        <h1 tabIndex={-1}>{title}</h1>
        {actions}
      </div>
      {children}
    </main>
  );
}

export const Link = ({ to, children, className }: { to: string; children: ReactNode; className?: string }) =>
  <a href={to} onClick={onLinkClick} className={className}>{children}</a>;

/** The API's status mapped to a sentence in the reader's language (its own messages are English). */
export function errorKey(e: unknown): Key {
  if (!(e instanceof ApiError)) return 'error.generic';
  switch (e.status) {
    case 0: return 'error.network';
    case 400: return 'error.invalid';
    case 401: return 'error.unauthorized';
    case 403: return 'error.forbidden';
    case 404: return 'error.notFound';
    case 409: return 'error.conflict';
    case 413: return 'error.tooLarge';
    case 429: return 'error.tooMany';
    case 503: return 'error.unavailable';
    default: return 'error.generic';
  }
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return <p className="error" role="alert">{t(errorKey(error))}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    run().then((data) => live && setState({ data, loading: false }), (error: unknown) => live && setState({ error, loading: false }));
    return () => { live = false; };
  }, [run]);
  useEffect(() => reload(), [reload]);
  return { ...state, reload };
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted" role="status">{t('common.loading')}</p>;
}

/** A button that runs an async action once at a time and reports its failure next to itself. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try { await fn(); return true; } catch (e) { setError(e); return false; } finally { setBusy(false); }
  }, []);
  return { busy, error, run, setError };
}

export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard API refused (no permission, plain http): select the text so Ctrl+C works.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} className="mono" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy} aria-label={t('common.copyNamed', { name: label })}>{copied ? t('common.copied') : t('common.copy')}</button>
      </div>
    </div>
  );
}
