import { describe, expect, it } from 'vitest';
import { idlePhase, IDLE_MS, WARN_MS } from './idle';

describe('idle timeout', () => {
  it('is quiet while the person is active, warns in the last minute, then expires', () => {
    expect(idlePhase(IDLE_MS - WARN_MS - 1, 0)).toEqual({ phase: 'active' });
    expect(idlePhase(IDLE_MS - WARN_MS, 0)).toEqual({ phase: 'warning', secondsLeft: 60 });
    expect(idlePhase(IDLE_MS - 1500, 0)).toEqual({ phase: 'warning', secondsLeft: 2 });
    expect(idlePhase(IDLE_MS, 0)).toEqual({ phase: 'expired' });
  });
});
