import { isLeading } from '../../shared/control-plane-health';

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

  /** `metricsUrl`: `http://host:port` of the control plane's /metrics and /healthz. */
  constructor(private readonly metricsUrl: string) {}

  /** True when the last poll said this control plane leads. */
  get isLeading(): boolean {
    return this.leading;
  }

  start(intervalMs = 500): void {
    const poll = async () => this.record(await isLeading(this.metricsUrl));
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
