import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { idlePhase, type IdlePhase } from '../idle';
import { uploadsRunning } from '../upload';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export function IdleGuard({ onExpired }: { onExpired(): void }) {
  const { t } = useI18n();
  const last = useRef(Date.now());
  const [phase, setPhase] = useState<IdlePhase>({ phase: 'active' });
  const stay = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const seen = () => {
      // Activity during the warning does not count: the person must answer the dialog on purpose.
      if (idlePhase(Date.now(), last.current).phase === 'active') last.current = Date.now();
    };
    for (const e of ACTIVITY) window.addEventListener(e, seen, { passive: true, capture: true });
    const timer = setInterval(() => {
      // A running upload is activity: a long transfer must not be cut by the idle timer.
      if (uploadsRunning() > 0) last.current = Date.now();
      const p = idlePhase(Date.now(), last.current);
      setPhase((old) => (old.phase === p.phase && (p.phase !== 'warning' || (old as { secondsLeft: number }).secondsLeft === p.secondsLeft) ? old : p));
      if (p.phase === 'expired') { clearInterval(timer); onExpired(); }
    }, 1000);
    return () => { clearInterval(timer); for (const e of ACTIVITY) window.removeEventListener(e, seen, { capture: true }); };
  }, [onExpired]);

  useEffect(() => { if (phase.phase === 'warning') stay.current?.focus(); }, [phase.phase]);

  if (phase.phase !== 'warning') return null;
  const keep = () => {
    last.current = Date.now();
    setPhase({ phase: 'active' });
    void api('GET', '/me', undefined, { quiet401: true }).catch(() => {});
  };
  return (
    <div className="overlay">
      <div role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text" className="dialog">
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p id="idle-text">{t('idle.text', { seconds: phase.secondsLeft })}</p>
        <button ref={stay} type="button" className="primary" onClick={keep}>{t('idle.stay')}</button>
      </div>
    </div>
  );
}
