// Speed and time left of an upload, from the byte counts tus reports. A sliding window of the last
// few seconds: a whole-upload average hides a connection that just slowed down, an instant rate jumps.

export interface Progress { sent: number; total: number; bytesPerSecond: number; secondsLeft: number | undefined; fraction: number }

export class ProgressTracker {
  private samples: Array<{ at: number; sent: number }> = [];
  constructor(readonly total: number, private readonly windowMs = 3000) {}

  /** Record `sent` bytes at time `at` (ms) and report the progress so far. */
  update(sent: number, at: number): Progress {
    // A resumed upload may report fewer bytes than before (the server keeps whole segments only).
    if (this.samples.length && sent < this.samples[this.samples.length - 1]!.sent) this.samples = [];
    this.samples.push({ at, sent });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    const bytesPerSecond = seconds > 0 ? (sent - first.sent) / seconds : 0;
    const left = this.total - sent;
    return {
      sent, total: this.total, bytesPerSecond,
      secondsLeft: left <= 0 ? 0 : bytesPerSecond > 0 ? left / bytesPerSecond : undefined,
      fraction: this.total > 0 ? Math.min(1, sent / this.total) : 1,
    };
  }
}
