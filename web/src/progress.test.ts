import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress';

describe('upload progress', () => {
  it('reports bytes, speed over the last seconds and time left', () => {
    const p = new ProgressTracker(10_000_000);
    p.update(0, 0);
    p.update(1_000_000, 1000);
    const r = p.update(2_000_000, 2000);
    expect(r.bytesPerSecond).toBe(1_000_000);
    expect(r.secondsLeft).toBe(8);
    expect(r.fraction).toBeCloseTo(0.2);
  });

  it('forgets samples older than its window, so a slowdown shows at once', () => {
    const p = new ProgressTracker(100_000_000, 3000);
    for (let s = 0; s <= 10; s++) p.update(s * 5_000_000, s * 1000);
    const slow = p.update(50_500_000, 14_000);
    expect(slow.bytesPerSecond).toBeLessThan(1_000_000);
  });

  it('starts over when a resumed upload reports fewer bytes (whole segments only)', () => {
    const p = new ProgressTracker(1000);
    p.update(800, 1000);
    const r = p.update(640, 1500);
    expect(r.sent).toBe(640);
    expect(r.bytesPerSecond).toBe(0);
    expect(r.secondsLeft).toBeUndefined();
  });

  it('is done at the total, also for an empty file', () => {
    expect(new ProgressTracker(0).update(0, 5).fraction).toBe(1);
    expect(new ProgressTracker(10).update(10, 5).secondsLeft).toBe(0);
  });
});
