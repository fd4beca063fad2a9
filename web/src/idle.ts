// Idle timeout: a signed-in person who does nothing for 15 minutes is signed out (a shared or
// unattended machine must not keep a confidential portal open); a minute before, a warning offers to stay.
export const IDLE_MS = 15 * 60_000;
export const WARN_MS = 60_000;

export type IdlePhase = { phase: 'active' } | { phase: 'warning'; secondsLeft: number } | { phase: 'expired' };

export function idlePhase(now: number, lastActivity: number, idleMs = IDLE_MS, warnMs = WARN_MS): IdlePhase {
  const left = lastActivity + idleMs - now;
  if (left <= 0) return { phase: 'expired' };
  if (left <= warnMs) return { phase: 'warning', secondsLeft: Math.ceil(left / 1000) };
  return { phase: 'active' };
}
