import { Replica, ReplicaPhase, ReplicaStatus } from '@helios/api';
import { systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { awaitsCell, demandingReplicas, isBound } from '@helios/replica-lifecycle';
import { placeReplicas, type Assignment, type Unplaceable } from '@helios/scheduling';
import type { Informer, WriteOptions } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { resolveCapacitySettings } from '../capacity/capacity-settings';

/** Options of the placement controller. */
export interface PlacementOptions {
  /** Seconds a CapacityUnavailable pool is skipped; must match the capacity planner's. */
  capacityUnavailableBackoffSeconds?: number;
  /** How soon a deployment with unplaceable replicas is tried again, in ms. Default 5 s. */
  retryUnplaceableMs?: number;
}

// Waiting deployments are looked at this often even when nothing changes, as a guard against a missed event.
const RESYNC_MS = 60_000;

/**
 * Cell placement: gives each Pending replica without a cell (one the deployment controller made,
 * or one the capacity planner handed back) a cell and a tier, with the pure `placeReplicas`. Keyed
 * by deployment; a deployment is looked at again whenever cells, pools or nodes change, or a
 * replica frees GPUs, while it has replicas waiting. Every write is a compare-and-swap on the
 * replica, fenced by leadership; a replica that changed meanwhile is skipped and comes back with
 * its own event. Read-your-writes spans the controller: no deployment is placed until the caches
 * show every placement before it, or the same free GPUs would be counted twice.
 */
export class PlacementController implements ManagedController {
  readonly name = 'placement';
  readonly readYourWrites = 'controller';
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
    this.backoffSeconds = options.capacityUnavailableBackoffSeconds ?? resolveCapacitySettings(deps.capacity).capacityUnavailableBackoffSeconds;
    this.retryMs = options.retryUnplaceableMs ?? 5_000;
  }

  setup(term: ControllerTerm): void {
    const { informers } = term;
    const deployments = informers.informer('deployment');
    const replicas = informers.informer('replica');
    const cells = informers.informer('cell');
    const pools = informers.informer('nodePool');
    const nodes = informers.informer('node');
    term.watch(deployments, (e) => (e.type === 'deleted' ? undefined : (e.object.metadata?.name ?? '')));
    term.watch(replicas, (e) => {
      const keys = new Set<string>();
      if (e.type !== 'deleted' && awaitsCell(e.object)) keys.add(e.object.spec?.deployment ?? '');
      // A replica that went away, failed or moved off a node frees GPUs others may be waiting for.
      if (freesCapacity(e.type, e.object, e.previous)) for (const name of this.waitingDeployments()) keys.add(name);
      return keys;
    });
    for (const informer of [cells, pools, nodes] as const) {
      term.watch(informer as Informer<'cell' | 'nodePool' | 'node'>, () => this.waitingDeployments());
    }
    term.resync(() => this.waitingDeployments(), RESYNC_MS);
    this.deployments = deployments;
    this.replicas = replicas;
    this.cells = cells;
    this.pools = pools;
    this.nodes = nodes;
    term.onStop(() => {
      this.deployments = undefined;
      this.replicas = undefined;
      this.cells = undefined;
      this.pools = undefined;
      this.nodes = undefined;
    });
  }

  async reconcile(name: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
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

    const opts: WriteOptions = { fence: this.deps.fence(), onWritten: ctx.wrote };
    const writes = [...plan.assignments.map(assigned), ...plan.unplaceable.flatMap(explained)];
    try {
      // A replica that changed or went since the cache saw it is skipped: its own event brings it
      // back if it still waits.
      await this.deps.store.updateEach('replica', writes, opts);
    } catch (err) {
      throw new Error(`placing ${plan.assignments.length} replicas of deployment ${name}`, { cause: err });
    }
    if (plan.assignments.length > 0) {
      this.deps.logger.info({ deployment: name, placed: plan.assignments.length, unplaceable: plan.unplaceable.length }, 'replicas placed');
    }
    return plan.unplaceable.length > 0 ? { requeueAfter: this.retryMs } : undefined;
  }

  /** Deployments with replicas waiting for a cell. */
  private waitingDeployments(): Set<string> {
    const names = new Set<string>();
    for (const replica of this.replicas?.list() ?? []) {
      if (awaitsCell(replica)) names.add(replica.spec?.deployment ?? '');
    }
    return names;
  }
}

/** A replica with the cell and tier it was given, its wait reason cleared. */
function assigned({ replica, cell, tier }: Assignment): Replica {
  const status = ReplicaStatus.fromPartial({ ...replica.status, phase: replica.status?.phase || ReplicaPhase.REPLICA_PHASE_PENDING, reason: '', message: '' });
  return Replica.fromPartial({ ...replica, spec: { ...replica.spec, cell, tier }, status });
}

/** A replica that stays without a cell, saying why; nothing when it says so already. */
function explained({ replica, reason, message }: Unplaceable): Replica[] {
  if (replica.status?.reason === reason && replica.status.message === message) return [];
  return [Replica.fromPartial({ ...replica, status: { ...replica.status, reason, message } })];
}

/** Tells whether a replica event gives GPUs back: deleted, failed or terminating, or unbound from a node. */
function freesCapacity(type: 'added' | 'modified' | 'deleted', replica: Replica, previous: Replica | undefined): boolean {
  if (type === 'deleted') return true;
  const phase = replica.status?.phase;
  if (phase === ReplicaPhase.REPLICA_PHASE_FAILED || phase === ReplicaPhase.REPLICA_PHASE_TERMINATING) return previous?.status?.phase !== phase;
  return previous !== undefined && isBound(previous) && !isBound(replica);
}
