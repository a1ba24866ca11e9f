/**
 * Polls a control plane's /healthz and records when it stops and starts leading. A control
 * plane that is not leading runs no controllers, so a benchmark that counts false failures
 * must know it was leading all along (or caught up after it led again).
 */
export class LeadershipMonitor {
  /** Times leadership was lost (or the process stopped answering while leading). */
  losses = 0;
  /** Ms spent not leading since the first time it led. */
  leaderlessMs = 0;
  private leading = false;
  private since = Date.now();
  private everLed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly healthzUrl: string) {}

  /** True when the last poll said this control plane leads. */
  get isLeading(): boolean {
    return this.leading;
  }

  start(intervalMs = 500): void {
    const poll = async () => {
      let leader = false;
      try {
        const res = await fetch(this.healthzUrl, { signal: AbortSignal.timeout(1_000) });
        leader = ((await res.json()) as { leader?: boolean }).leader === true;
      } catch {
        leader = false;
      }
      this.record(leader);
    };
    this.timer = setInterval(() => void poll(), intervalMs);
    void poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.record(this.leading);
  }

  private record(leader: boolean): void {
    const now = Date.now();
    if (this.everLed && !this.leading) this.leaderlessMs += now - this.since;
    if (this.leading && !leader) this.losses++;
    if (leader) this.everLed = true;
    this.leading = leader;
    this.since = now;
  }
}
