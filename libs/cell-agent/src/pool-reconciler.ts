import { Condition, Node, NodePhase, NodePool, NodePoolStatus, NodeStatus, type Cell, type LaunchIntent } from '@helios/api';
import type { Logger } from '@helios/config';
import type { ReconcileContext, ReconcileResult } from '@helios/controller-runtime';
import { isProviderError, type CloudProvider, type Instance } from '@helios/provider';
import { NODE_REASONS, POOL_CONDITIONS, POOL_REASONS, REPLICA_REASONS } from '@helios/replica-lifecycle';
import { GpuHoldings } from '@helios/scheduling';
import { isConflict, isNotFound, type Fence, type ResourceStore } from '@helios/store';
import { randomUUID } from 'node:crypto';
import type { CellCache } from './cell-cache';
import { resolveCellAgentSettings, type CellAgentSettings } from './cell-agent-settings';
import { CellLock } from './cell-lock';
import { gpuCapacity } from './gpu-capacity';
import type { GpuGauges } from './gpu-gauges';
import { launchIntent, pendingLaunches, withLaunch, withoutLaunches } from './launch-intent';
import { newNodeNames } from './node-names';
import { poolMembers, type PoolMember } from './pool-member';
import { countMembers, isPreempted, planPool, poolTarget, type PoolPlan } from './pool-plan';
import { poolTemplate } from './pool-template';
import { cellWrites, type CellWrites } from './cell-writes';
import { retireReplicas } from './replica-retirement';

export type { CellCache } from './cell-cache';

/** Everything a PoolReconciler works with. */
export interface PoolReconcilerDeps {
  cellName: string;
  cache: CellCache;
  store: ResourceStore;
  provider: CloudProvider;
  /** The leader's fence; throws when no longer leader, which ends the reconcile. */
  fence: () => Fence;
  log: Logger;
  /** How long to wait before retrying a pool whose launch found no capacity (default: resolveCellAgentSettings's). */
  capacityRetryMs?: number;
  /** Shared with the node binder: scale-down decisions and bindings never interleave. */
  lock?: CellLock;
  /** Shared with the node binder: nodes being given back, never to be bound to. */
  leavingNodes?: Set<string>;
  gauges?: GpuGauges;
  /** How long a cloud instance etcd does not know is left alone before it is terminated (default: resolveCellAgentSettings's). */
  unknownInstanceGraceMs?: number;
  /** How long an idle NotReady node's instance is kept in case it comes back (default: resolveCellAgentSettings's). */
  notReadyGraceMs?: number;
  /** Clock; default the wall clock. */
  now?: () => Date;
}

// Errors after which the cloud certainly launched nothing: the intent is dropped. After any other
// (throttling, a timeout, an unknown failure) the launch may have happened, so the intent stays
// and the retry repeats the same token.
const DEFINITIVE_LAUNCH_ERRORS = ['InsufficientCapacity', 'QuotaExceeded', 'InvalidConfiguration'] as const;

/** What the launches of one reconcile came to, for the status write. */
interface LaunchOutcome {
  instances: Instance[];
  /** Tokens whose launch is settled (went through, or refused for good): dropped from status.launches. */
  done: Set<string>;
  /** Set when the cloud refused for want of capacity or quota. */
  refused?: { reason: string; message: string };
  /** True when at least one launch went through. */
  launched: boolean;
}

/**
 * Makes one pool's cloud instances match its target, then records what it sees in the pool's
 * status. Level-triggered: it is given only the pool's name and reads everything else itself.
 *
 * The script: repeat the launches a previous run recorded in `status.launches` but did not see
 * through (same token, so the cloud returns what it made); retire the replicas of nodes the cloud
 * announced it will preempt; put drained nodes back or launch what is missing, recording the
 * launch intent in etcd before calling the cloud; give back idle surplus nodes (drained first, so
 * nothing is bound to them meanwhile); terminate drained, long-NotReady and unknown instances;
 * remove Nodes whose instance is gone and whose heartbeat has stopped; write the status.
 *
 * The target counts serving nodes only, as the capacity planner does: a draining (preempted) or
 * NotReady node is replaced at once. After the cloud refuses a launch for want of capacity the pool
 * launches nothing until `status.capacityRetryTime` (unless its spec changes), and the
 * CapacityUnavailable condition's time is refreshed so the planner's backoff restarts too.
 */
export class PoolReconciler {
  private readonly settings: Pick<CellAgentSettings, 'capacityRetryMs' | 'unknownInstanceGraceMs' | 'notReadyGraceMs'>;
  private readonly lock: CellLock;
  private readonly leaving: Set<string>;
  private readonly now: () => Date;

  constructor(private readonly deps: PoolReconcilerDeps) {
    this.settings = resolveCellAgentSettings({ capacityRetryMs: deps.capacityRetryMs, unknownInstanceGraceMs: deps.unknownInstanceGraceMs, notReadyGraceMs: deps.notReadyGraceMs });
    this.lock = deps.lock ?? new CellLock();
    this.leaving = deps.leavingNodes ?? new Set();
    this.now = deps.now ?? (() => new Date());
  }

  async reconcile(poolName: string, ctx?: ReconcileContext): Promise<ReconcileResult> {
    const { cache, provider, cellName, log } = this.deps;
    const w = cellWrites(this.deps.fence, ctx);
    const cell = cache.cell();
    if (!cell) {
      // The operator applies Cells; until this one exists there is no region to launch in.
      log.info({ pool: poolName }, 'cell does not exist yet; waiting for it before reconciling pools');
      return {};
    }
    const pool = cache.pool(poolName);
    let instances = await provider.list(cellName, poolName);
    if (!pool) {
      // A deleted pool wants no nodes.
      if (instances.length > 0) {
        log.info({ pool: poolName, instances: instances.length }, 'pool deleted; terminating its instances');
        for (const i of instances) this.leaving.add(i.node);
        await provider.terminate(instances.map((i) => i.id));
      }
      await this.collectNodes(poolName, new Set(), w);
      return {};
    }

    const outcome: LaunchOutcome = { instances: [], done: new Set(), launched: false };
    const waitMs = this.capacityWaitMs(pool);
    if (waitMs <= 0) {
      for (const intent of pendingLaunches(pool)) {
        await this.launch(cell, pool, intent, outcome);
        if (outcome.refused) break;
      }
    }
    instances = merge(instances, outcome.instances);

    const now = this.now();
    let members = this.members(pool, instances);
    const preemptedSince = await this.retireFromPreempted(members, now, w);
    const spec = pool.spec!;
    const target = poolTarget(spec.min, pool.status?.desired ?? 0, spec.max);
    const plan = planPool(target, members, { now, unknownGraceMs: this.settings.unknownInstanceGraceMs, notReadyGraceMs: this.settings.notReadyGraceMs });
    let result: ReconcileResult = {};

    await this.reinstate(plan.reinstate, w);
    if (plan.launch > 0 && waitMs > 0) {
      result = { requeueAfter: waitMs };
    } else if (plan.launch > 0 && !outcome.refused) {
      const taken = new Set([...cache.nodes().map((n) => n.metadata?.name ?? ''), ...instances.map((i) => i.node)]);
      const intent = launchIntent(randomUUID(), newNodeNames(poolName, plan.launch, taken), now);
      await this.deps.store.mutate('nodePool', poolName, cellName, (p) => withLaunch(p, intent), w.options());
      log.info({ pool: poolName, count: plan.launch, target, token: intent.token }, 'launching nodes');
      await this.launch(cell, pool, intent, outcome);
      instances = merge(instances, outcome.instances);
    }
    if (outcome.refused) result = { requeueAfter: this.settings.capacityRetryMs };

    const terminated = await this.giveBack(poolName, plan, target, w);
    if (terminated.size > 0) instances = instances.filter((i) => !terminated.has(i.id));
    members = this.members(pool, instances);

    await this.collectNodes(poolName, new Set(instances.flatMap((i) => [i.id, i.node])), w);
    await this.writeStatus(pool, members, outcome, preemptedSince, w);
    // Unknown instances and NotReady nodes are judged again when their grace ends, even if nothing changes.
    if (members.some((m) => m.known === false || m.phase === NodePhase.NODE_PHASE_NOT_READY)) {
      result = { requeueAfter: Math.min(result.requeueAfter ?? Number.POSITIVE_INFINITY, 30_000) };
    }
    return result;
  }

  /** The pool's members, with which of them replicas hold and which launches etcd records. */
  private members(pool: NodePool, instances: readonly Instance[]): PoolMember[] {
    const name = pool.metadata?.name ?? '';
    const holdings = GpuHoldings.of(this.deps.cache.replicas());
    const intended = new Set(pendingLaunches(pool).flatMap((l) => l.nodeNames));
    return poolMembers(instances, this.poolNodes(name), {
      isLive: this.deps.cache.isLive,
      isBusy: (node) => holdings.isBusy(this.deps.cellName, node),
      intended,
    });
  }

  /**
   * Retires the replicas on nodes the cloud will preempt, so they are replaced elsewhere before the
   * instance dies. Returns the earliest drain time of a preempted node that the pool's last
   * scale-up predates: the replacement launched for it is a scale-up, and stamping it keeps the
   * planner from giving the new node back before the replacements land on it.
   */
  private async retireFromPreempted(members: readonly PoolMember[], now: Date, w: CellWrites): Promise<Date | undefined> {
    let since: Date | undefined;
    const replicas = this.deps.cache.replicas();
    for (const member of members) {
      if (!isPreempted(member)) continue;
      const deadline = member.object?.status?.preemptionTime ?? '';
      const drained = new Date(Date.parse(member.object?.status?.lastTransitionTime ?? '') || now.getTime());
      if (!since || drained < since) since = drained;
      const on = replicas.filter((r) => r.spec?.node === member.node);
      const retired = await retireReplicas({ store: this.deps.store, options: w.options }, on, REPLICA_REASONS.nodePreempted, `node ${member.node} will be reclaimed by the cloud at ${deadline}`, now);
      if (retired > 0) this.deps.log.warn({ node: member.node, deadline, replicas: retired }, 'node preempted; its replicas retired for replacement');
    }
    return since;
  }

  /** Puts nodes drained for scale-down back into service: cheaper than launching new ones. */
  private async reinstate(members: readonly PoolMember[], w: CellWrites): Promise<void> {
    for (const member of members) {
      if (!member.object) continue;
      const ok = await this.setNodePhase(member.object, NodePhase.NODE_PHASE_READY, '', w);
      if (ok) {
        this.leaving.delete(member.node);
        this.deps.log.info({ node: member.node }, 'node drained for scale-down is needed again; put back into service');
      }
    }
  }

  /**
   * Gives back the plan's idle surplus and terminates its drained, NotReady and unknown instances.
   * Under the cell lock, and against the freshest replica cache: a node the binder used since the
   * plan was made is spared. Surplus nodes are marked Draining (and the node cache waited on) before
   * the lock is released, so the binder never sees them as Ready again. Returns the terminated ids.
   */
  private async giveBack(poolName: string, plan: PoolPlan, target: number, w: CellWrites): Promise<Set<string>> {
    if (plan.scaleDown.length === 0 && plan.terminate.length === 0) return new Set();
    const chosen = await this.lock.run(async () => {
      const holdings = GpuHoldings.of(this.deps.cache.replicas());
      const idle = (m: PoolMember) => !holdings.isBusy(this.deps.cellName, m.node);
      const out: { member: PoolMember; reason: string }[] = [];
      for (const member of plan.scaleDown.filter(idle)) {
        if (member.object) {
          const written = await this.setNodePhase(member.object, NodePhase.NODE_PHASE_DRAINING, NODE_REASONS.scaleDown, w);
          if (!written) continue;
        }
        this.leaving.add(member.node);
        out.push({ member, reason: NODE_REASONS.scaleDown });
      }
      for (const { member, reason } of plan.terminate) {
        if (!idle(member)) continue;
        this.leaving.add(member.node);
        out.push({ member, reason });
      }
      await w.caughtUp();
      return out;
    });
    const ids = chosen.flatMap((c) => (c.member.instanceId ? [c.member.instanceId] : []));
    if (ids.length === 0) return new Set();
    this.deps.log.info({ pool: poolName, target, nodes: chosen.map((c) => `${c.member.node} (${c.reason})`) }, 'terminating nodes');
    await this.deps.provider.terminate(ids);
    return new Set(ids);
  }

  /** Writes a Node's phase and reason with a compare-and-swap; false when it changed meanwhile. */
  private async setNodePhase(node: Node, phase: NodePhase, reason: string, w: CellWrites): Promise<boolean> {
    const status = NodeStatus.fromPartial({ ...node.status, phase, reason, lastTransitionTime: this.now().toISOString() });
    try {
      await this.deps.store.update('node', Node.fromPartial({ ...node, status }), w.options());
      return true;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      throw new Error(`setting node ${this.deps.cellName}/${node.metadata?.name} ${reason || 'Ready'}`, { cause: err });
    }
  }

  /**
   * How long the pool must still wait after a refused launch; 0 or less when it may launch.
   * A spec changed since the refusal (generation ahead of observedGeneration) may ask for
   * something the cloud has, so it does not wait.
   */
  private capacityWaitMs(pool: NodePool): number {
    const retryAt = Date.parse(pool.status?.capacityRetryTime ?? '');
    if (Number.isNaN(retryAt)) return 0;
    if ((pool.status?.observedGeneration ?? 0) !== (pool.metadata?.generation ?? 0)) return 0;
    return retryAt - this.now().getTime();
  }

  /** Launches one intent and folds the result into `outcome`; rethrows errors after which the launch may have happened. */
  private async launch(cell: Cell, pool: NodePool, intent: LaunchIntent, outcome: LaunchOutcome): Promise<void> {
    const template = poolTemplate(cell, pool);
    try {
      const instances = await this.deps.provider.launch({ template, count: intent.nodeNames.length, token: intent.token, nodeNames: intent.nodeNames });
      outcome.instances.push(...instances);
      outcome.done.add(intent.token);
      outcome.launched = true;
    } catch (err) {
      // After any other error (throttling, a timeout) the cloud may have launched: the intent
      // stays, and the retry repeats its token.
      if (!DEFINITIVE_LAUNCH_ERRORS.some((code) => isProviderError(err, code))) {
        throw new Error(`launching ${intent.nodeNames.length} nodes in pool ${template.pool} of cell ${template.cell}`, { cause: err });
      }
      const reason = (err as { code: string }).code;
      this.deps.log.warn({ pool: template.pool, reason, err: (err as Error).message }, 'launch refused by the cloud');
      outcome.done.add(intent.token);
      outcome.refused = { reason, message: (err as Error).message };
    }
  }

  private poolNodes(poolName: string): Node[] {
    return this.deps.cache.nodes().filter((n) => n.spec?.pool === poolName);
  }

  /**
   * Deletes the pool's Nodes whose instance the cloud no longer lists and whose heartbeat has
   * stopped. A live heartbeat protects a Node even without an instance: a freshly launched
   * instance may be missing from a cloud's list for a while (EC2's eventual consistency).
   */
  private async collectNodes(poolName: string, liveInstances: ReadonlySet<string>, w: CellWrites): Promise<void> {
    const { cache, store, cellName, log } = this.deps;
    for (const node of this.poolNodes(poolName)) {
      const name = node.metadata?.name ?? '';
      if (cache.isLive(name) || liveInstances.has(node.spec?.providerId ?? '') || liveInstances.has(name)) continue;
      try {
        await store.delete('node', name, cellName, { ...w.options(), resourceVersion: node.metadata?.resourceVersion });
        this.leaving.delete(name);
        log.info({ pool: poolName, node: name }, 'instance gone and heartbeat stopped; node removed');
      } catch (err) {
        // Gone already, or re-registered since the cache saw it: the next reconcile decides again.
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }

  private async writeStatus(pool: NodePool, members: PoolMember[], outcome: LaunchOutcome, preemptedSince: Date | undefined, w: CellWrites): Promise<void> {
    const { store, cellName, cache } = this.deps;
    const poolName = pool.metadata?.name ?? '';
    const counts = countMembers(members);
    const holdings = GpuHoldings.of(cache.replicas());
    const gpus = gpuCapacity(
      members.flatMap((m) => (m.object ? [m.object] : [])),
      cache.isLive,
      (node) => holdings.heldGpus(cellName, node),
    );
    this.deps.gauges?.setPool(cellName, poolName, pool.spec?.tier ?? 0, gpus);
    const now = this.now();
    await store.mutate(
      'nodePool',
      poolName,
      cellName,
      (current) => {
        const before = NodePool.encode(current).finish();
        const old = current.status ?? NodePoolStatus.fromPartial({});
        const status = NodePoolStatus.fromPartial({
          ...old,
          provisioning: counts.provisioning,
          ready: counts.ready,
          notReady: counts.notReady,
          draining: counts.draining,
          gpus,
          observedGeneration: current.metadata?.generation ?? 0,
        });
        if (outcome.refused) {
          status.conditions = setCondition(old.conditions, capacityCondition('True', outcome.refused.reason, outcome.refused.message, now), true);
          status.capacityRetryTime = new Date(now.getTime() + this.settings.capacityRetryMs).toISOString();
        } else if (outcome.launched) {
          status.conditions = setCondition(old.conditions, capacityCondition('False', POOL_REASONS.launched, 'the last launch went through', now), false);
          status.capacityRetryTime = undefined;
        }
        const lastScaleUp = Date.parse(old.lastScaleUpTime ?? '');
        if (preemptedSince && (Number.isNaN(lastScaleUp) || lastScaleUp < preemptedSince.getTime())) status.lastScaleUpTime = now.toISOString();
        const next = withoutLaunches({ ...current, status }, outcome.done);
        return Buffer.from(NodePool.encode(next).finish()).equals(before) ? undefined : next;
      },
      w.options(),
    );
  }
}

function merge(listed: Instance[], launched: Instance[]): Instance[] {
  const ids = new Set(listed.map((i) => i.id));
  return [...listed, ...launched.filter((i) => !ids.has(i.id) && i.state !== 'terminated')];
}

function capacityCondition(status: 'True' | 'False', reason: string, message: string, now: Date): Condition {
  return Condition.fromPartial({ type: POOL_CONDITIONS.capacityUnavailable, status, reason, message, lastTransitionTime: now.toISOString() });
}

/**
 * Replaces the condition of the same type. Its time changes when its status does, and on every
 * `refresh` (a refused retry restarts the planner's backoff, which runs from that time). A False
 * condition is not added where there was none: "capacity was never missing" needs no record.
 */
function setCondition(conditions: Condition[], next: Condition, refresh: boolean): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  if (!old && next.status === 'False') return conditions;
  const merged = old && old.status === next.status && !refresh ? old : next;
  return [...conditions.filter((c) => c.type !== next.type), merged];
}
