import { Replica, ReplicaPhase, ReplicaStatus } from '@helios/api';
import { ControllerRunner, systemClock, type Clock, type Controller, type ReconcileResult } from '@helios/controller-runtime';
import { awaitsCell, placeReplicas, type Assignment, type Unplaceable } from '@helios/scheduling';
import { Informer, isConflict, isNotFound } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { defaultCapacitySettings } from '../capacity/capacity-settings';
import { cacheReached } from '@helios/store';
import { demandingReplicas, isRetired } from './replica-demand';

/** Options of the placement controller. */
export interface PlacementOptions {
  /** Seconds a CapacityUnavailable pool is skipped; must match the capacity planner's. */
  capacityUnavailableBackoffSeconds?: number;
  /** How soon a deployment with unplaceable replicas is tried again, in ms. Default 5 s. */
  retryUnplaceableMs?: number;
}

// Replica writes of one reconcile in flight at once: enough to place a large deployment in a few
// round trips, few enough not to flood etcd when hundreds of replicas arrive together.
const WRITE_CONCURRENCY = 16;

/**
 * Cell placement: gives each Pending replica without a cell (one the deployment controller made,
 * or one the capacity planner handed back) a cell and a tier, with the pure `placeReplicas`. Keyed
 * by deployment; a deployment is looked at again whenever cells, pools or nodes change, or a
 * replica frees GPUs, while it has replicas waiting. Every write is a compare-and-swap on the
 * replica, fenced by leadership; a replica that changed meanwhile is skipped and comes back with
 * its own event.
 */
export class PlacementController implements Controller {
  readonly name = 'placement';
  private deployments: Informer<'deployment'> | undefined;
  private replicas: Informer<'replica'> | undefined;
  private cells: Informer<'cell'> | undefined;
  private pools: Informer<'nodePool'> | undefined;
  private nodes: Informer<'node'> | undefined;
  private readonly clock: Clock;
  private readonly backoffSeconds: number;
  private readonly retryMs: number;

  constructor(
    private readonly deps: ControllerDeps,
    options: PlacementOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.backoffSeconds = options.capacityUnavailableBackoffSeconds ?? (deps.capacity ?? defaultCapacitySettings()).capacityUnavailableBackoffSeconds;
    this.retryMs = options.retryUnplaceableMs ?? 5_000;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { client, keys, logger, metrics } = this.deps;
    const onError = (err: Error) => logger.warn({ err, controller: this.name }, 'informer recovered from an error');
    const deployments = new Informer(client, keys, 'deployment', { onError });
    const replicas = new Informer(client, keys, 'replica', { onError });
    const cells = new Informer(client, keys, 'cell', { onError });
    const pools = new Informer(client, keys, 'nodePool', { onError });
    const nodes = new Informer(client, keys, 'node', { onError });
    const runner = new ControllerRunner({ name: this.name, reconcile: (key) => this.reconcile(key), metrics, logger, clock: this.deps.clock });
    runner.watch(deployments, (e) => (e.type === 'deleted' ? undefined : (e.object.metadata?.name ?? '')));
    runner.watch(replicas, (e) => {
      const keys = new Set<string>();
      if (e.type !== 'deleted' && awaitsCell(e.object) && !isRetired(e.object)) keys.add(e.object.spec?.deployment ?? '');
      // A replica that went away, failed or moved off a node frees GPUs others may be waiting for.
      if (freesCapacity(e.type, e.object, e.previous)) for (const name of this.waitingDeployments()) keys.add(name);
      return keys;
    });
    for (const informer of [cells, pools, nodes] as const) {
      runner.watch(informer as Informer<'cell' | 'nodePool' | 'node'>, () => this.waitingDeployments());
    }
    try {
      await Promise.all([deployments.start(), replicas.start(), cells.start(), pools.start(), nodes.start()]);
      this.deployments = deployments;
      this.replicas = replicas;
      this.cells = cells;
      this.pools = pools;
      this.nodes = nodes;
      for (const name of this.waitingDeployments()) runner.enqueue(name);
      await runner.run(signal);
    } finally {
      await Promise.all([deployments.stop(), replicas.stop(), cells.stop(), pools.stop(), nodes.stop()]);
    }
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const deployment = this.deployments?.get(name);
    // A deleted deployment's replicas are the deployment controller's to remove, not ours to place.
    if (!deployment || !this.replicas || !this.cells || !this.pools || !this.nodes) return;
    const plan = placeReplicas({
      deployment,
      replicas: demandingReplicas(this.replicas.list()),
      cells: this.cells.list(),
      pools: this.pools.list(),
      nodes: this.nodes.list(),
      now: new Date(this.clock.now()),
      capacityUnavailableBackoffSeconds: this.backoffSeconds,
    });
    if (plan.assignments.length === 0 && plan.unplaceable.length === 0) return;

    const writes = [...plan.assignments.map((a) => () => this.assign(a)), ...plan.unplaceable.map((u) => () => this.markUnplaceable(u))];
    let revision = 0;
    for (let i = 0; i < writes.length; i += WRITE_CONCURRENCY) {
      const revisions = await Promise.all(writes.slice(i, i + WRITE_CONCURRENCY).map((write) => write()));
      revision = Math.max(revision, ...revisions);
    }
    if (plan.assignments.length > 0) {
      this.deps.logger.info({ deployment: name, placed: plan.assignments.length, unplaceable: plan.unplaceable.length }, 'replicas placed');
    }
    // The next reconcile of any deployment must see these placements, or it would count the same
    // free GPUs twice.
    await cacheReached(this.replicas, revision);
    return plan.unplaceable.length > 0 ? { requeueAfter: this.retryMs } : undefined;
  }

  /** Deployments with replicas waiting for a cell. */
  private waitingDeployments(): Set<string> {
    const names = new Set<string>();
    for (const replica of this.replicas?.list() ?? []) {
      if (awaitsCell(replica) && !isRetired(replica)) names.add(replica.spec?.deployment ?? '');
    }
    return names;
  }

  /** Writes a replica's cell and tier; returns the revision written, 0 when it changed meanwhile. */
  private assign({ replica, cell, tier }: Assignment): Promise<number> {
    const status = ReplicaStatus.fromPartial({ ...replica.status, phase: replica.status?.phase || ReplicaPhase.REPLICA_PHASE_PENDING, reason: '', message: '' });
    return this.write(Replica.fromPartial({ ...replica, spec: { ...replica.spec, cell, tier }, status }), `placing in cell ${cell}`);
  }

  /** Records why a replica stays without a cell, when the replica does not say so already. */
  private markUnplaceable({ replica, reason, message }: Unplaceable): Promise<number> {
    if (replica.status?.reason === reason && replica.status.message === message) return Promise.resolve(0);
    return this.write(Replica.fromPartial({ ...replica, status: { ...replica.status, reason, message } }), `recording ${reason}`);
  }

  private async write(next: Replica, what: string): Promise<number> {
    try {
      const stored = await this.deps.store.update('replica', next, { fence: this.deps.fence() });
      return stored.metadata?.resourceVersion ?? 0;
    } catch (err) {
      // Changed or deleted since the cache saw it: its own event brings it back if it still waits.
      if (isConflict(err) || isNotFound(err)) return 0;
      throw new Error(`${what}: replica ${next.spec?.deployment}/${next.metadata?.name}`, { cause: err });
    }
  }
}

/** Tells whether a replica event gives GPUs back: deleted, failed or terminating, or unbound from a node. */
function freesCapacity(type: 'added' | 'modified' | 'deleted', replica: Replica, previous: Replica | undefined): boolean {
  if (type === 'deleted') return true;
  const phase = replica.status?.phase;
  if (phase === ReplicaPhase.REPLICA_PHASE_FAILED || phase === ReplicaPhase.REPLICA_PHASE_TERMINATING) return previous?.status?.phase !== phase;
  return !!previous?.spec?.node && !replica.spec?.node;
}
