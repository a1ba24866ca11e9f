import { createLogger, type Logger } from '@helios/config';
import { resolveNodeAgentSettings } from '../node-agent-settings';
import type { PreemptionSource } from './preemption-source';

/** Which node a PreemptionWatcher watches for, and how often it asks. */
export interface PreemptionWatcherOptions {
  node: string;
  /** Poll period (default: resolveNodeAgentSettings's preemptionPollMs). */
  pollMs?: number;
}

/** What a PreemptionWatcher talks to. */
export interface PreemptionWatcherDeps {
  /**
   * Tells the control plane the node will be reclaimed at `deadline` (NodeAgent.reportPreemption:
   * a ReportStatus with the node's preemptionTime); resolves once it was delivered.
   */
  report: (deadline: Date) => Promise<void>;
  source: PreemptionSource;
  logger?: Logger;
}

/**
 * Polls the cloud's preemption notice for one node and, once one appears, reports it to the
 * control plane, which marks the Node Draining with its preemptionTime (reason Preempted); the
 * cell agent then retires its replicas and launches the replacement at once. Keeps polling after
 * a failed read or report (metadata services blip); stops by itself once the report was
 * delivered, since a notice is never withdrawn.
 */
export class PreemptionWatcher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private readonly log: Logger;
  private readonly pollMs: number;
  /** The notice seen, once there is one. */
  notice: { deadline: Date } | undefined;

  constructor(
    private readonly deps: PreemptionWatcherDeps,
    private readonly options: PreemptionWatcherOptions,
  ) {
    this.log = (deps.logger ?? createLogger('preemption-watcher')).child({ node: options.node });
    this.pollMs = resolveNodeAgentSettings({ preemptionPollMs: options.pollMs }).preemptionPollMs;
  }

  /** Starts polling at once. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.schedule(0);
  }

  /** Stops polling and waits for a poll in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** One poll: reads the notice and, when there is one, reports it. Resolves true once reported. */
  async pollOnce(): Promise<boolean> {
    const notice = await this.deps.source.preemptionNotice(this.options.node);
    if (!notice) return false;
    if (!this.notice) this.log.warn({ deadline: notice.deadline.toISOString(), instance: notice.instanceId }, 'preemption notice: draining the node');
    this.notice = { deadline: notice.deadline };
    await this.deps.report(notice.deadline);
    return true;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce().then(
        (marked) => {
          if (!marked && !this.stopped) this.schedule(this.pollMs);
        },
        (err: unknown) => {
          this.log.warn({ err }, 'reading or recording the preemption notice failed; trying again');
          if (!this.stopped) this.schedule(this.pollMs);
        },
      );
    }, ms);
    this.timer.unref();
  }
}
