import { metaOf, NodePhase, ReplicaPhase, type Node } from '@helios/api';
import { ControllerRunner, systemClock, type Clock, type Controller, type ReconcileResult } from '@helios/controller-runtime';
import { planCellEvictions, resolveStormSettings, type CellEvictionPlan, type EvictionBucket, type ResolvedStormSettings, type SilentNode, type StormSettings } from '@helios/failure-policy';
import { Informer, KeyInformer, isNotFound } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { cellDegradedStatus } from './cell-degraded-status';
import { stormSettings } from './failure-settings';
import { forEachLimited } from './for-each-limited';
import { LeaseTtlLookup } from './lease-ttl-lookup';
import { heartbeatLostAt, heartbeatLostStatus, heartbeatRestoredStatus, holdsHeartbeat, isHeartbeatLost } from './node-heartbeat-status';
import { NodeLifecycleMetrics, type NodeLifecycleGaugeSource } from './node-lifecycle-metrics';
import { awaitsEviction, nodeLostReplicaStatus } from './node-lost-replica';
import { ReplacementTracker } from './replacement-tracker';

/** Knobs of the node lifecycle controller; every one is optional. */
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

/** What the controller remembers of a node whose heartbeat is gone. */
interface Silence {
  /** When the heartbeat went (ms): when its delete was seen, or when it was first missed. */
  since: number;
  /** True when a delete of the key was seen; false when only its absence was. */
  seen: boolean;
  /** Lease the deleted key was bound to; '' when no delete was seen. */
  lease: string;
  ttlSeconds: number;
  /** True once NotReady was written (or found written) for this silence. */
  recorded: boolean;
}

/**
 * One leadership term: informer caches, indexes and memory. A new term starts from scratch,
 * so a new leader never trusts what an old one believed.
 */
interface Term {
  nodes: Informer<'node'>;
  heartbeats: KeyInformer;
  replicas: Informer<'replica'>;
  cells: Informer<'cell'>;
  silences: Map<string, Silence>;
  absentSince: Map<string, number>;
  buckets: Map<string, EvictionBucket>;
  plans: Map<string, CellEvictionPlan>;
  nodesByCell: Map<string, Set<string>>;
  /** `<cell>/<node>` -> replica key -> { name, deployment } of replicas bound there. */
  replicasByNode: Map<string, Map<string, { name: string; deployment: string }>>;
  leaseTtls: LeaseTtlLookup;
  replacements: ReplacementTracker;
}

/**
 * Turns lost heartbeats into NotReady nodes and Failed replicas, and back (DESIGN.md section 5,
 * failure detection). A node agent holds an etcd lease with its heartbeat key on it; when etcd
 * expires the lease the key is deleted and the watch delivers the delete:
 * - a seen delete turns the Node NotReady at once (reason HeartbeatLost, condition
 *   Heartbeat=False); a heartbeat key that is merely absent (a new leader's first list, a node
 *   that is still registering) does so only after `absentGraceMs`. Nothing here ever acts on the
 *   control plane's own loss of etcd: informers resume from their last revision and report only
 *   deletes that etcd made;
 * - the replicas bound to a lost node turn Failed (reason NodeLost) so the deployment controller
 *   replaces them, at the pace the failure-storm limiter allows: when a large share of a cell
 *   goes silent at once the cell is marked Degraded and evictions in it are rate-limited;
 * - a heartbeat that comes back turns the node Ready again.
 * Every write is fenced by leadership. Queue keys are `node/<cell>/<name>` and `cell/<cell>`.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle';
  private readonly storm: ResolvedStormSettings;
  private readonly clock: Clock;
  private readonly metrics: NodeLifecycleMetrics;
  private readonly graceMs: number;
  private term: Term | undefined;
  private runner: ControllerRunner | undefined;

  constructor(
    private readonly deps: ControllerDeps,
    private readonly options: NodeLifecycleOptions = {},
  ) {
    this.storm = resolveStormSettings({ ...stormSettings(deps.failure), ...options.storm });
    this.clock = options.clock ?? deps.clock ?? systemClock;
    this.graceMs = options.absentGraceMs ?? 5_000;
    this.metrics = new NodeLifecycleMetrics(deps.metrics.registry);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { client, keys, logger, metrics } = this.deps;
    const onError = (err: Error) => logger.warn({ err, controller: this.name }, 'informer recovered from an error');
    const term: Term = {
      nodes: new Informer(client, keys, 'node', { onError }),
      heartbeats: new KeyInformer(client, keys.heartbeats(), { onError }),
      replicas: new Informer(client, keys, 'replica', { onError }),
      cells: new Informer(client, keys, 'cell', { onError }),
      silences: new Map(),
      absentSince: new Map(),
      buckets: new Map(),
      plans: new Map(),
      nodesByCell: new Map(),
      replicasByNode: new Map(),
      leaseTtls: new LeaseTtlLookup(client, this.options.defaultLeaseTtlSeconds ?? 5),
      replacements: new ReplacementTracker(),
    };
    const runner = new ControllerRunner({
      name: this.name,
      reconcile: (key) => this.reconcile(key),
      workers: this.options.workers ?? 8,
      clock: this.clock,
      metrics,
      logger,
    });
    this.subscribe(term, runner);
    try {
      await Promise.all([term.heartbeats.start(), term.nodes.start(), term.replicas.start(), term.cells.start()]);
      this.term = term;
      this.runner = runner;
      this.metrics.follow(this.gaugeSource(term));
      logger.info({ controller: this.name, nodes: term.nodes.list().length, heartbeats: term.heartbeats.list().length }, 'node lifecycle controller started');
      await runner.run(signal);
    } finally {
      this.metrics.follow(undefined);
      if (this.term === term) this.term = undefined;
      if (this.runner === runner) this.runner = undefined;
      term.leaseTtls.close();
      await Promise.all([term.heartbeats.stop(), term.nodes.stop(), term.replicas.stop(), term.cells.stop()]);
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const term = this.term;
    if (!term) return;
    const [kind, cell, name] = key.split('/');
    if (kind === 'node' && cell && name) return this.reconcileNode(term, cell, name);
    if (kind === 'cell' && cell) return this.reconcileCell(term, cell);
  }

  /** Keeps the indexes and the memory of silences in step with the caches, and queues keys. */
  private subscribe(term: Term, runner: ControllerRunner): void {
    const { keys } = this.deps;
    const heartbeatPrefix = keys.heartbeats();
    const nodeIdOfHeartbeat = (key: string): [string, string] | undefined => {
      const [cell, node, ...rest] = key.slice(heartbeatPrefix.length).split('/');
      return cell && node && rest.length === 0 ? [cell, node] : undefined;
    };
    // The cell is looked at again only when one of its silences begins or ends: ten thousand
    // heartbeats appearing when a leader starts must not mean ten thousand passes over a cell.
    term.heartbeats.on((event) => {
      const id = nodeIdOfHeartbeat(event.key);
      if (!id) return;
      const [cell, node] = id;
      const nodeId = `${cell}/${node}`;
      let silenceChanged: boolean;
      if (event.type === 'deleted') {
        // The first delete counts: a second one (re-registered and lost again before we got to
        // it) would only move the time forward.
        silenceChanged = !term.silences.has(nodeId);
        if (silenceChanged) {
          term.silences.set(nodeId, { since: this.clock.now(), seen: true, lease: event.entry.lease, ttlSeconds: term.leaseTtls.ttlOf(cell), recorded: false });
        }
      } else {
        silenceChanged = term.silences.delete(nodeId);
        term.leaseTtls.note(cell, event.entry.lease);
      }
      term.absentSince.delete(nodeId);
      runner.enqueue(`node/${cell}/${node}`);
      if (silenceChanged) runner.enqueue(`cell/${cell}`);
    });

    term.nodes.on((event) => {
      const parsed = keys.parse('node', event.key);
      if (!parsed) return;
      let names = term.nodesByCell.get(parsed.parent);
      if (event.type === 'deleted') {
        names?.delete(parsed.name);
        if (names?.size === 0) term.nodesByCell.delete(parsed.parent);
        return;
      }
      if (!names) term.nodesByCell.set(parsed.parent, (names = new Set()));
      names.add(parsed.name);
    });
    // The cell needs a look when a node's change can move its plan: the node is silent, its
    // Heartbeat condition flipped (it now awaits eviction, or no longer), or the cell has silent
    // nodes whose share any change of the node count moves. Not on every status write.
    runner.watch(term.nodes, (event) => {
      const parsed = keys.parse('node', event.key);
      if (!parsed) return undefined;
      const nodeKey = `node/${parsed.parent}/${parsed.name}`;
      const before = event.type === 'added' ? undefined : (event.previous ?? event.object).status;
      const after = event.type === 'deleted' ? undefined : event.object.status;
      const cellMatters = term.plans.has(parsed.parent) || term.silences.has(`${parsed.parent}/${parsed.name}`) || isHeartbeatLost(before) !== isHeartbeatLost(after);
      return cellMatters ? [nodeKey, `cell/${parsed.parent}`] : nodeKey;
    });

    term.replicas.on((event) => {
      const parsed = keys.parse('replica', event.key);
      if (!parsed) return;
      const before = event.previous?.spec ?? (event.type === 'deleted' ? event.object.spec : undefined);
      if (before?.node) {
        const previousId = `${before.cell}/${before.node}`;
        const bound = term.replicasByNode.get(previousId);
        bound?.delete(event.key);
        if (bound?.size === 0) term.replicasByNode.delete(previousId);
      }
      const spec = event.object.spec;
      if (event.type !== 'deleted' && spec?.node) {
        const nodeId = `${spec.cell}/${spec.node}`;
        let bound = term.replicasByNode.get(nodeId);
        if (!bound) term.replicasByNode.set(nodeId, (bound = new Map()));
        bound.set(event.key, { name: parsed.name, deployment: parsed.parent });
      }
      const ready = event.object.status?.phase === ReplicaPhase.REPLICA_PHASE_READY;
      const wasReady = event.previous?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY;
      if (event.type !== 'deleted' && ready && !wasReady) {
        const created = Date.parse(metaOf(event.object).createdAt ?? '');
        const seconds = term.replacements.onReady(parsed.parent, Number.isNaN(created) ? undefined : created, this.clock.now());
        if (seconds !== undefined) this.metrics.replacement.observe(seconds);
      }
    });
    // A replica bound to a lost node (a scheduler that has not heard yet) is evicted like the rest.
    runner.watch(term.replicas, (event) => {
      const spec = event.object.spec;
      return event.type !== 'deleted' && spec?.node && term.silences.has(`${spec.cell}/${spec.node}`) ? `cell/${spec.cell}` : undefined;
    });
    // A cell created after its nodes went silent still gets its Degraded condition.
    runner.watch(term.cells, (event) => (event.type === 'added' ? `cell/${metaOf(event.object).name}` : undefined));
  }

  private async reconcileNode(term: Term, cell: string, name: string): Promise<ReconcileResult | void> {
    const nodeId = `${cell}/${name}`;
    const heartbeatKey = this.deps.keys.heartbeat(cell, name);
    const node = term.nodes.get(name, cell);
    if (!node || !holdsHeartbeat(node.status)) {
      // Gone, still provisioning, or terminated on purpose: no heartbeat to watch over.
      if (term.silences.delete(nodeId)) this.runner?.enqueue(`cell/${cell}`);
      term.absentSince.delete(nodeId);
      return;
    }
    const now = this.clock.now();

    if (term.heartbeats.get(heartbeatKey)) {
      term.absentSince.delete(nodeId);
      if (!heartbeatRestoredStatus(node.status, iso(now))) return;
      const wrote = await this.writeNode(cell, name, (current) =>
        term.heartbeats.get(heartbeatKey) ? heartbeatRestoredStatus(current.status, iso(this.clock.now())) : undefined,
      );
      if (wrote) this.deps.logger.info({ controller: this.name, cell, node: name }, 'node Ready again: its heartbeat is back');
      return;
    }

    let silence = term.silences.get(nodeId);
    if (!silence) {
      if (isHeartbeatLost(node.status)) {
        // Recorded lost by an earlier term: remember since when, for the storm limiter.
        silence = { since: heartbeatLostAt(node.status) ?? now, seen: false, lease: '', ttlSeconds: 0, recorded: true };
      } else {
        const first = term.absentSince.get(nodeId) ?? now;
        term.absentSince.set(nodeId, first);
        if (now - first < this.graceMs) return { requeueAfter: this.graceMs - (now - first) };
        silence = { since: first, seen: false, lease: '', ttlSeconds: 0, recorded: false };
      }
      term.absentSince.delete(nodeId);
      term.silences.set(nodeId, silence);
      this.runner?.enqueue(`cell/${cell}`);
    }

    const message = silence.seen
      ? `heartbeat key deleted: lease ${silence.lease} expired or was revoked`
      : `no heartbeat key for ${this.graceMs / 1000} s`;
    if (!heartbeatLostStatus(node.status, iso(now), message)) {
      silence.recorded = true;
      return;
    }
    const lost = silence;
    const wrote = await this.writeNode(cell, name, (current) => {
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

  private async reconcileCell(term: Term, cell: string): Promise<ReconcileResult | void> {
    let nodes = 0;
    const silent: SilentNode[] = [];
    for (const name of term.nodesByCell.get(cell) ?? []) {
      const node = term.nodes.get(name, cell);
      if (!node || !holdsHeartbeat(node.status)) continue;
      nodes++;
      const silence = term.silences.get(`${cell}/${name}`);
      if (!silence) continue;
      const awaitingEviction = isHeartbeatLost(node.status) && this.replicasToEvict(term, cell, name).length > 0;
      silent.push({ node: name, since: silence.since, awaitingEviction });
    }
    const now = this.clock.now();
    const plan = planCellEvictions({ cell, nodes, silent }, term.buckets.get(cell), now, this.storm);
    const before = term.plans.get(cell);
    term.buckets.set(cell, plan.bucket);
    if (silent.length > 0 || plan.degraded) term.plans.set(cell, plan);
    else term.plans.delete(cell);
    if (plan.degraded !== (before?.degraded ?? false)) {
      const log = { controller: this.name, cell, nodes, silentInWindow: plan.silentInWindow, reason: plan.message };
      if (plan.degraded) this.deps.logger.warn(log, 'cell Degraded: many nodes went silent at once; evictions rate-limited');
      else this.deps.logger.info(log, 'cell no longer Degraded');
    }

    await this.writeCellDegraded(term, cell, plan);
    await forEachLimited(plan.evictNow, 1, (node) => this.evictNode(term, cell, node));
    return plan.retryAfterMs !== undefined ? { requeueAfter: plan.retryAfterMs } : undefined;
  }

  /** Fails every replica still bound to a lost node. */
  private async evictNode(term: Term, cell: string, name: string): Promise<void> {
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
          { fence: this.deps.fence() },
        );
      } catch (err) {
        if (isNotFound(err)) return;
        throw new Error(`failing replica ${replica.deployment}/${replica.name} of lost node ${cell}/${name}`, { cause: err });
      }
      if (failed) term.replacements.noteFailed(replica.deployment, notReadyAt);
    });
    this.metrics.evictions.inc({ cell });
    this.deps.logger.info({ controller: this.name, cell, node: name, replicas: replicas.length }, 'evicted the replicas of a lost node');
  }

  private replicasToEvict(term: Term, cell: string, name: string): { name: string; deployment: string }[] {
    const bound = term.replicasByNode.get(`${cell}/${name}`);
    if (!bound) return [];
    const out = [];
    for (const ref of bound.values()) {
      const replica = term.replicas.get(ref.name, ref.deployment);
      if (replica && awaitsEviction(replica, cell, name)) out.push(ref);
    }
    return out;
  }

  private async writeCellDegraded(term: Term, cell: string, plan: CellEvictionPlan): Promise<void> {
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
        { fence: this.deps.fence() },
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw new Error(`marking cell ${cell} ${plan.degraded ? 'Degraded' : 'no longer Degraded'}`, { cause: err });
    }
  }

  /** Fenced read-modify-write of a Node's status; true when something was written. */
  private async writeNode(cell: string, name: string, next: (current: Node) => Node['status'] | undefined): Promise<boolean> {
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
        { fence: this.deps.fence() },
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
          const phase = PHASE_NAMES[node.status?.phase ?? NodePhase.NODE_PHASE_UNSPECIFIED] ?? 'Unspecified';
          const key = `${cell}\u0000${phase}`;
          const entry = counts.get(key);
          if (entry) entry.count++;
          else counts.set(key, { cell, phase, count: 1 });
        }
        yield* counts.values();
      },
      degradedCells() {
        let n = 0;
        for (const plan of term.plans.values()) if (plan.degraded) n++;
        return n;
      },
      *waitingEvictions() {
        for (const plan of term.plans.values()) yield { cell: plan.cell, count: plan.waiting.length };
      },
    };
  }
}

const PHASE_NAMES: Partial<Record<NodePhase, string>> = {
  [NodePhase.NODE_PHASE_UNSPECIFIED]: 'Unspecified',
  [NodePhase.NODE_PHASE_PROVISIONING]: 'Provisioning',
  [NodePhase.NODE_PHASE_READY]: 'Ready',
  [NodePhase.NODE_PHASE_NOT_READY]: 'NotReady',
  [NodePhase.NODE_PHASE_DRAINING]: 'Draining',
  [NodePhase.NODE_PHASE_TERMINATED]: 'Terminated',
};

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
