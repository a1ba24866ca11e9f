import { enumDisplayName, metaOf, NodePhase, type Node } from '@helios/api';
import { systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { planCellEvictions, resolveStormSettings, type CellEvictionPlan, type ResolvedStormSettings, type SilentNode, type StormSettings } from '@helios/failure-policy';
import { awaitsEviction, isReady, nodeLostReplicaStatus } from '@helios/replica-lifecycle';
import { BY_CELL, BY_NODE, isNotFound, type Informer, type KeyInformer, type WriteOptions } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { cellDegradedStatus } from './cell-degraded-status';
import { stormSettings } from './failure-settings';
import { forEachLimited } from './for-each-limited';
import { LifecycleMemory } from './lifecycle-memory';
import { heartbeatLostAt, heartbeatLostStatus, heartbeatRestoredStatus, holdsHeartbeat, isHeartbeatLost } from './node-heartbeat-status';
import { NodeLifecycleMetrics, type NodeLifecycleGaugeSource } from './node-lifecycle-metrics';

/** Knobs of the node lifecycle controllers; every one is optional. */
export interface NodeLifecycleOptions {
  /** The failure-storm limiter's settings (tests); default those of deps.failure, then the limiter's (50 % of a cell within 10 s -> Degraded). */
  storm?: StormSettings;
  /** Lease TTL assumed for the detection metric until a cell's own is known, in s. Default 5. */
  defaultLeaseTtlSeconds?: number;
  /**
   * How long a Ready node may lack its heartbeat key without anyone having seen the key deleted
   * (a new leader's first look, a node created before its agent registered) before it turns
   * NotReady, in ms. Default 5,000.
   */
  absentGraceMs?: number;
  /** Keys reconciled in parallel. Default 8 (each reconcile is mostly one etcd round trip). */
  workers?: number;
  /** Replica writes in flight at once while evicting. Default 16. */
  evictionConcurrency?: number;
  clock?: Clock;
}

/** One leadership term's caches and memory, shared by the two controllers below. */
interface Term {
  nodes: Informer<'node'>;
  heartbeats: KeyInformer;
  replicas: Informer<'replica'>;
  cells: Informer<'cell'>;
  memory: LifecycleMemory;
}

const MEMORY_KEY = 'node-lifecycle';
// Every node and cell is looked at this often even when nothing changes, as a guard against a missed event.
const RESYNC_MS = 60_000;

/**
 * The two node lifecycle controllers, sharing one memory per term: `node-lifecycle` (keyed
 * `<cell>/<node>`) turns lost heartbeats into NotReady nodes and back; `cell-eviction` (keyed
 * `<cell>`) fails the replicas of lost nodes at the pace the failure-storm limiter allows.
 */
export function nodeLifecycleControllers(deps: ControllerDeps, options: NodeLifecycleOptions = {}): [NodeLifecycleController, CellEvictionController] {
  const shared = new NodeLifecycleShared(deps, options);
  return [new NodeLifecycleController(shared), new CellEvictionController(shared)];
}

/** What both controllers are built from: settings, metrics, and the term's caches and memory. */
class NodeLifecycleShared {
  readonly storm: ResolvedStormSettings;
  readonly clock: Clock;
  readonly metrics: NodeLifecycleMetrics;
  readonly graceMs: number;
  term: Term | undefined;

  constructor(
    readonly deps: ControllerDeps,
    readonly options: NodeLifecycleOptions,
  ) {
    this.storm = resolveStormSettings({ ...stormSettings(deps.failure), ...options.storm });
    this.clock = options.clock ?? deps.clock ?? systemClock;
    this.graceMs = options.absentGraceMs ?? 5_000;
    this.metrics = new NodeLifecycleMetrics(deps.metrics.registry);
  }

  /** The term's caches and memory, made by whichever controller is set up first. */
  termOf(term: ControllerTerm): Term {
    const memory = term.shared(MEMORY_KEY, () => new LifecycleMemory(this.deps.client, this.options.defaultLeaseTtlSeconds ?? 5));
    const { informers } = term;
    const current: Term = {
      nodes: informers.informer('node'),
      heartbeats: informers.keyInformer(this.deps.keys.heartbeats()),
      replicas: informers.informer('replica'),
      cells: informers.informer('cell'),
      memory,
    };
    this.term = current;
    term.onStop(() => {
      memory.close();
      if (this.term?.memory === memory) this.term = undefined;
    });
    return current;
  }
}

/**
 * Turns lost heartbeats into NotReady nodes, and back (docs/architecture.md, failure detection).
 * A node agent holds an etcd lease with its heartbeat key on it; when etcd expires the lease the
 * key is deleted and the watch delivers the delete:
 * - a seen delete turns the Node NotReady at once (reason HeartbeatLost, condition
 *   Heartbeat=False); a heartbeat key that is merely absent (a new leader's first look, a node
 *   that is still registering) does so only after `absentGraceMs`. Nothing here ever acts on the
 *   control plane's own loss of etcd: informers resume from their last revision and report only
 *   deletes that etcd made;
 * - a heartbeat that comes back turns the node Ready again.
 * A silence that begins or ends is recorded in the term's memory, which brings its cell to the
 * cell eviction controller. Every write is fenced by leadership. Keys are `<cell>/<node>`.
 */
export class NodeLifecycleController implements ManagedController {
  readonly name = 'node-lifecycle';
  readonly workers: number;

  constructor(private readonly shared: NodeLifecycleShared) {
    // Each reconcile is mostly one etcd round trip.
    this.workers = shared.options.workers ?? 8;
  }

  setup(controllerTerm: ControllerTerm): void {
    const { clock, metrics } = this.shared;
    const keys = this.shared.deps.keys;
    const term = this.shared.termOf(controllerTerm);
    const { memory } = term;
    const heartbeatPrefix = keys.heartbeats();
    const nodeIdOfHeartbeat = (key: string): [string, string] | undefined => {
      const [cell, node, ...rest] = key.slice(heartbeatPrefix.length).split('/');
      return cell && node && rest.length === 0 ? [cell, node] : undefined;
    };
    controllerTerm.watch(term.heartbeats, (event) => {
      const id = nodeIdOfHeartbeat(event.key);
      if (!id) return undefined;
      const [cell, node] = id;
      if (event.type === 'deleted') {
        // The first delete counts: a second one (re-registered and lost again before we got to
        // it) would only move the time forward.
        if (!memory.silenceOf(cell, node)) {
          memory.beginSilence(cell, node, { since: clock.now(), seen: true, lease: event.entry.lease, ttlSeconds: memory.leaseTtls.ttlOf(cell), recorded: false });
        }
      } else {
        memory.endSilence(cell, node);
        memory.leaseTtls.note(cell, event.entry.lease);
      }
      memory.absentSince.delete(`${cell}/${node}`);
      return `${cell}/${node}`;
    });
    controllerTerm.watch(term.nodes, (event) => {
      const parsed = keys.parse('node', event.key);
      return parsed && `${parsed.parent}/${parsed.name}`;
    });
    // Replacement time: a deployment's replica turning Ready after one of its replicas was failed.
    const stopTracking = term.replicas.on((event) => {
      const ready = isReady(event.object);
      const wasReady = event.previous !== undefined && isReady(event.previous);
      if (event.type === 'deleted' || !ready || wasReady) return;
      const created = Date.parse(metaOf(event.object).createdAt ?? '');
      const seconds = memory.replacements.onReady(event.object.spec?.deployment ?? '', Number.isNaN(created) ? undefined : created, clock.now());
      if (seconds !== undefined) metrics.replacement.observe(seconds);
    });
    controllerTerm.onStop(stopTracking);
    controllerTerm.resync(() => {
      // A warm cache reports no heartbeat at a new term: learn each cell's lease TTL from one.
      for (const entry of term.heartbeats.list()) {
        const id = nodeIdOfHeartbeat(entry.key);
        if (id) memory.leaseTtls.note(id[0], entry.lease);
      }
      return term.nodes.list().map((node) => `${node.spec?.cell}/${metaOf(node).name}`);
    }, RESYNC_MS);
    metrics.follow(this.gaugeSource(term));
    controllerTerm.onStop(() => metrics.follow(undefined));
  }

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const term = this.shared.term;
    const [cell, name, ...rest] = key.split('/');
    if (!term || !cell || !name || rest.length > 0) return;
    return this.reconcileNode(term, cell, name, { fence: this.shared.deps.fence(), onWritten: ctx.wrote });
  }

  private get deps(): ControllerDeps {
    return this.shared.deps;
  }

  private get clock(): Clock {
    return this.shared.clock;
  }

  private get graceMs(): number {
    return this.shared.graceMs;
  }

  private get metrics(): NodeLifecycleMetrics {
    return this.shared.metrics;
  }

  private async reconcileNode(term: Term, cell: string, name: string, opts: WriteOptions): Promise<ReconcileResult | void> {
    const nodeId = `${cell}/${name}`;
    const heartbeatKey = this.deps.keys.heartbeat(cell, name);
    const node = term.nodes.get(name, cell);
    if (!node || !holdsHeartbeat(node.status)) {
      // Gone, still provisioning, or terminated on purpose: no heartbeat to watch over.
      term.memory.endSilence(cell, name);
      term.memory.absentSince.delete(nodeId);
      return;
    }
    const now = this.clock.now();

    if (term.heartbeats.get(heartbeatKey)) {
      term.memory.absentSince.delete(nodeId);
      if (!heartbeatRestoredStatus(node.status, iso(now))) return;
      const wrote = await this.writeNode(cell, name, opts, (current) =>
        term.heartbeats.get(heartbeatKey) ? heartbeatRestoredStatus(current.status, iso(this.clock.now())) : undefined,
      );
      if (wrote) this.deps.logger.info({ controller: this.name, cell, node: name }, 'node Ready again: its heartbeat is back');
      return;
    }

    let silence = term.memory.silenceOf(cell, name);
    if (!silence) {
      if (isHeartbeatLost(node.status)) {
        // Recorded lost by an earlier term: remember since when, for the storm limiter.
        silence = { since: heartbeatLostAt(node.status) ?? now, seen: false, lease: '', ttlSeconds: 0, recorded: true };
      } else {
        const first = term.memory.absentSince.get(nodeId) ?? now;
        term.memory.absentSince.set(nodeId, first);
        if (now - first < this.graceMs) return { requeueAfter: this.graceMs - (now - first) };
        silence = { since: first, seen: false, lease: '', ttlSeconds: 0, recorded: false };
      }
      term.memory.absentSince.delete(nodeId);
      term.memory.beginSilence(cell, name, silence);
    }

    const message = silence.seen
      ? `heartbeat key deleted: lease ${silence.lease} expired or was revoked`
      : `no heartbeat key for ${this.graceMs / 1000} s`;
    if (!heartbeatLostStatus(node.status, iso(now), message)) {
      silence.recorded = true;
      return;
    }
    const lost = silence;
    const wrote = await this.writeNode(cell, name, opts, (current) => {
      if (term.heartbeats.get(heartbeatKey)) return undefined;
      // Re-registered on a new lease whose heartbeat we have not seen yet: not lost.
      const lease = current.status?.leaseId;
      if (lost.seen && lost.lease && lease && lease !== lost.lease) return undefined;
      return heartbeatLostStatus(current.status, iso(this.clock.now()), message);
    });
    if (!wrote) return;
    const at = this.clock.now();
    let detectionSeconds: number | undefined;
    if (lost.seen && !lost.recorded) {
      // etcd deleted the key one TTL after the last renewal it granted (plus its expiry tick).
      detectionSeconds = (at - (lost.since - lost.ttlSeconds * 1000)) / 1000;
      this.metrics.detection.observe(detectionSeconds);
    }
    lost.recorded = true;
    this.deps.logger.warn({ controller: this.name, cell, node: name, lease: lost.lease || undefined, detectionSeconds, reason: message }, 'node NotReady: heartbeat lost');
  }

  /** Fenced read-modify-write of a Node's status; true when something was written. */
  private async writeNode(cell: string, name: string, opts: WriteOptions, next: (current: Node) => Node['status'] | undefined): Promise<boolean> {
    let wrote = false;
    try {
      await this.deps.store.mutate(
        'node',
        name,
        cell,
        (current) => {
          const status = next(current);
          wrote = status !== undefined;
          return status ? { ...current, status } : undefined;
        },
        opts,
      );
    } catch (err) {
      if (isNotFound(err)) return false;
      throw new Error(`updating the status of node ${cell}/${name}`, { cause: err });
    }
    return wrote;
  }

  private gaugeSource(term: Term): NodeLifecycleGaugeSource {
    return {
      *nodesByCellAndPhase() {
        const counts = new Map<string, { cell: string; phase: string; count: number }>();
        for (const node of term.nodes.list()) {
          const cell = node.spec?.cell ?? '';
          const phase = enumDisplayName(NodePhase, node.status?.phase ?? NodePhase.NODE_PHASE_UNSPECIFIED);
          const key = `${cell}\u0000${phase}`;
          const entry = counts.get(key);
          if (entry) entry.count++;
          else counts.set(key, { cell, phase, count: 1 });
        }
        yield* counts.values();
      },
      degradedCells() {
        let n = 0;
        for (const plan of term.memory.plans.values()) if (plan.degraded) n++;
        return n;
      },
      *waitingEvictions() {
        for (const plan of term.memory.plans.values()) yield { cell: plan.cell, count: plan.waiting.length };
      },
    };
  }
}

/**
 * Fails the replicas bound to lost nodes (reason NodeLost) so the deployment controller replaces
 * them, at the pace the failure-storm limiter allows: when a large share of a cell goes silent at
 * once the cell is marked Degraded and evictions in it are rate-limited. Keys are cell names.
 */
export class CellEvictionController implements ManagedController {
  readonly name = 'cell-eviction';

  constructor(private readonly shared: NodeLifecycleShared) {}

  setup(controllerTerm: ControllerTerm): void {
    const keys = this.shared.deps.keys;
    const term = this.shared.termOf(controllerTerm);
    const { memory } = term;
    controllerTerm.watch(memory, (cell) => cell);
    // The cell needs a look when a node's change can move its plan: the node is silent, its
    // Heartbeat condition flipped (it now awaits eviction, or no longer), or the cell has silent
    // nodes whose share any change of the node count moves. Not on every status write.
    controllerTerm.watch(term.nodes, (event) => {
      const parsed = keys.parse('node', event.key);
      if (!parsed) return undefined;
      const before = event.type === 'added' ? undefined : (event.previous ?? event.object).status;
      const after = event.type === 'deleted' ? undefined : event.object.status;
      const matters = memory.plans.has(parsed.parent) || memory.silenceOf(parsed.parent, parsed.name) !== undefined || isHeartbeatLost(before) !== isHeartbeatLost(after);
      return matters ? parsed.parent : undefined;
    });
    // A replica bound to a lost node (a scheduler that has not heard yet) is evicted like the rest.
    controllerTerm.watch(term.replicas, (event) => {
      const spec = event.object.spec;
      return event.type !== 'deleted' && spec?.node && memory.silenceOf(spec.cell, spec.node) ? spec.cell : undefined;
    });
    // A cell created after its nodes went silent still gets its Degraded condition.
    controllerTerm.watch(term.cells, (event) => (event.type === 'added' ? metaOf(event.object).name : undefined));
    controllerTerm.resync(() => term.nodes.indexValues(BY_CELL), RESYNC_MS);
  }

  async reconcile(cell: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const term = this.shared.term;
    if (!term || !cell) return;
    return this.reconcileCell(term, cell, { fence: this.shared.deps.fence(), onWritten: ctx.wrote });
  }

  private get deps(): ControllerDeps {
    return this.shared.deps;
  }

  private get clock(): Clock {
    return this.shared.clock;
  }

  private get metrics(): NodeLifecycleMetrics {
    return this.shared.metrics;
  }

  private get storm(): ResolvedStormSettings {
    return this.shared.storm;
  }

  private get options(): NodeLifecycleOptions {
    return this.shared.options;
  }

  private async reconcileCell(term: Term, cell: string, opts: WriteOptions): Promise<ReconcileResult | void> {
    let nodes = 0;
    const silent: SilentNode[] = [];
    for (const node of term.nodes.byIndex(BY_CELL, cell)) {
      if (!holdsHeartbeat(node.status)) continue;
      const name = metaOf(node).name;
      nodes++;
      const silence = term.memory.silenceOf(cell, name);
      if (!silence) continue;
      const awaitingEviction = isHeartbeatLost(node.status) && this.replicasToEvict(term, cell, name).length > 0;
      silent.push({ node: name, since: silence.since, awaitingEviction });
    }
    const now = this.clock.now();
    const plan = planCellEvictions({ cell, nodes, silent }, term.memory.buckets.get(cell), now, this.storm);
    const before = term.memory.plans.get(cell);
    term.memory.buckets.set(cell, plan.bucket);
    if (silent.length > 0 || plan.degraded) term.memory.plans.set(cell, plan);
    else term.memory.plans.delete(cell);
    if (plan.degraded !== (before?.degraded ?? false)) {
      const log = { controller: this.name, cell, nodes, silentInWindow: plan.silentInWindow, reason: plan.message };
      if (plan.degraded) this.deps.logger.warn(log, 'cell Degraded: many nodes went silent at once; evictions rate-limited');
      else this.deps.logger.info(log, 'cell no longer Degraded');
    }

    await this.writeCellDegraded(term, cell, plan, opts);
    await forEachLimited(plan.evictNow, 1, (node) => this.evictNode(term, cell, node, opts));
    return plan.retryAfterMs !== undefined ? { requeueAfter: plan.retryAfterMs } : undefined;
  }

  /** Fails every replica still bound to a lost node. */
  private async evictNode(term: Term, cell: string, name: string, opts: WriteOptions): Promise<void> {
    const replicas = this.replicasToEvict(term, cell, name);
    if (replicas.length === 0) return;
    const node = term.nodes.get(name, cell);
    const notReadyAt = heartbeatLostAt(node?.status) ?? this.clock.now();
    await forEachLimited(replicas, this.options.evictionConcurrency ?? 16, async (replica) => {
      let failed = false;
      try {
        await this.deps.store.mutate(
          'replica',
          replica.name,
          replica.deployment,
          (current) => {
            const status = nodeLostReplicaStatus(current, cell, name);
            failed = status !== undefined;
            return status ? { ...current, status } : undefined;
          },
          opts,
        );
      } catch (err) {
        if (isNotFound(err)) return;
        throw new Error(`failing replica ${replica.deployment}/${replica.name} of lost node ${cell}/${name}`, { cause: err });
      }
      if (failed) term.memory.replacements.noteFailed(replica.deployment, notReadyAt);
    });
    this.metrics.evictions.inc({ cell });
    this.deps.logger.info({ controller: this.name, cell, node: name, replicas: replicas.length }, 'evicted the replicas of a lost node');
  }

  private replicasToEvict(term: Term, cell: string, name: string): { name: string; deployment: string }[] {
    return term.replicas
      .byIndex(BY_NODE, `${cell}/${name}`)
      .filter((replica) => awaitsEviction(replica, cell, name))
      .map((replica) => ({ name: metaOf(replica).name, deployment: replica.spec?.deployment ?? '' }));
  }

  private async writeCellDegraded(term: Term, cell: string, plan: CellEvictionPlan, opts: WriteOptions): Promise<void> {
    const cached = term.cells.get(cell);
    if (!cached || !cellDegradedStatus(cached.status, plan.degraded, plan.message, iso(this.clock.now()))) return;
    try {
      await this.deps.store.mutate(
        'cell',
        cell,
        undefined,
        (current) => {
          const status = cellDegradedStatus(current.status, plan.degraded, plan.message, iso(this.clock.now()));
          return status ? { ...current, status } : undefined;
        },
        opts,
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw new Error(`marking cell ${cell} ${plan.degraded ? 'Degraded' : 'no longer Degraded'}`, { cause: err });
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
