import type { ComponentProcess } from '@helios/launcher';
import { isLeading } from '../../shared/control-plane-health';
import { controllersThatMoved, reconcilesByController } from './controller-reconciles';
import { etcdWatchCount, type EtcdWatchCount } from './etcd-watch-count';

/** What the takeover came to. Seconds count from the signal sent to the leader. */
export interface Takeover {
  /** The standby said it leads (/healthz). */
  leadsSeconds: number | null;
  /** The first reconcile of each standby controller that reconciled within the wait. */
  firstReconcileSeconds: Record<string, number>;
  /** The standby's first reconcile on the full cache: its deployment controller's (see below). */
  fullCacheReconcileSeconds: number | null;
  /** The watches etcd dropped when the leader died: the ones the leader held; null when unmeasurable. */
  leaderWatches: EtcdWatchCount | null;
  /** etcd's watches just before the kill, every client's. */
  watchesBefore: EtcdWatchCount;
}

/** Where the standby and etcd are, and how the leader dies. */
export interface TakeoverOptions {
  leader: ComponentProcess;
  signal: NodeJS.Signals;
  standbyMetricsUrl: string;
  etcdEndpoints: readonly string[];
  timeoutMs: number;
}

/** The controller whose cache is the whole fleet: every deployment and every replica. */
const FULL_CACHE_CONTROLLER = 'deployment';
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signals the leading control plane and times the standby's takeover.
 *
 * The standby runs no controller while it stands by; once elected it starts them, each lists
 * its informers (40,000 replicas, 10,000 nodes at full size) and only then reconciles. Its
 * `helios_controller_reconcile_total` moving is therefore a reconcile on a full cache; the figure
 * is the deployment controller's, whose cache holds every deployment and every replica and
 * which reconciles every deployment once it starts (placement reconciles nothing when nothing
 * waits, so it could not be the figure).
 *
 * The leader's etcd watches: etcd counts watchers per member, for all clients together. Every
 * other client (cell processes, the standby, this benchmark) keeps a steady set of watches over
 * the few seconds around the kill, and the standby adds none until it is elected, which takes
 * a lease TTL after a SIGKILL. So the watches the leader held are those etcd drops when its
 * connection closes: sampled just before the kill and again once the count has settled after
 * the leader's exit, while the standby does not lead yet. When the standby already leads at that
 * sample (after a SIGTERM the leader resigns and it is elected at once) the figure is null.
 */
export async function timeTakeover(o: TakeoverOptions): Promise<Takeover> {
  const before = reconcilesByController(await metricsText(o.standbyMetricsUrl));
  const watchesBefore = await etcdWatchCount(o.etcdEndpoints);
  const killedAt = Date.now();
  o.leader.child.kill(o.signal);
  await o.leader.exited;

  let leaderWatches: EtcdWatchCount | null = null;
  let last: EtcdWatchCount | undefined;
  for (const until = Date.now() + 3_000; Date.now() < until; await sleep(POLL_MS)) {
    const now = await etcdWatchCount(o.etcdEndpoints);
    if (last && now.watchers === last.watchers && now.watchers < watchesBefore.watchers) {
      if (!(await isLeading(o.standbyMetricsUrl))) leaderWatches = { watchers: watchesBefore.watchers - now.watchers, streams: watchesBefore.streams - now.streams };
      break;
    }
    last = now;
  }

  const seconds = () => Math.round(Date.now() - killedAt) / 1000;
  let leadsSeconds: number | null = null;
  const firstReconcileSeconds: Record<string, number> = {};
  for (const until = killedAt + o.timeoutMs; Date.now() < until && firstReconcileSeconds[FULL_CACHE_CONTROLLER] === undefined; await sleep(POLL_MS)) {
    if (leadsSeconds === null && (await isLeading(o.standbyMetricsUrl, 500))) leadsSeconds = seconds();
    const text = await metricsText(o.standbyMetricsUrl).catch(() => '');
    const at = seconds();
    for (const controller of controllersThatMoved(before, reconcilesByController(text))) firstReconcileSeconds[controller] ??= at;
  }
  return { leadsSeconds, firstReconcileSeconds, fullCacheReconcileSeconds: firstReconcileSeconds[FULL_CACHE_CONTROLLER] ?? null, leaderWatches, watchesBefore };
}

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
}
