import { Condition, NodePool, NodePoolStatus, type Cell, type LaunchIntent, type Node } from '@helios/api';
import type { Logger } from '@helios/config';
import type { ReconcileResult } from '@helios/controller-runtime';
import { isProviderError, type CloudProvider, type Instance } from '@helios/provider';
import { CAPACITY_UNAVAILABLE } from '@helios/scheduling';
import { isConflict, isNotFound, type Fence, type ResourceStore } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { gpuCapacity } from './gpu-capacity';
import { launchIntent, pendingLaunches, withLaunch, withoutLaunches } from './launch-intent';
import { newNodeNames } from './node-names';
import { poolMembers, type PoolMember } from './pool-member';
import { countMembers, planPool, poolTarget } from './pool-plan';
import { poolTemplate } from './pool-template';

/** What the reconciler reads: the cell agent's informer caches. */
export interface CellCache {
  cell(): Cell | undefined;
  pool(name: string): NodePool | undefined;
  nodes(): Node[];
  /** Whether the node's heartbeat key exists. */
  isLive(node: string): boolean;
}

/** Everything a PoolReconciler works with. */
export interface PoolReconcilerDeps {
  cellName: string;
  cache: CellCache;
  store: ResourceStore;
  provider: CloudProvider;
  /** The leader's fence; throws when no longer leader, which ends the reconcile. */
  fence: () => Fence;
  log: Logger;
  /** How long to wait before retrying a pool whose launch found no capacity. Default 30 s. */
  capacityRetryMs?: number;
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
 * through (same token, so the cloud returns what it made); launch what is missing, recording the
 * intent first; terminate the surplus; remove Nodes whose instance is gone and whose heartbeat
 * has stopped; write the status. After the cloud refuses a launch for want of capacity the pool
 * launches nothing until `status.capacityRetryTime` (unless its spec changes), and the
 * CapacityUnavailable condition's time is refreshed so the planner's backoff restarts too.
 */
export class PoolReconciler {
  private readonly capacityRetryMs: number;

  constructor(private readonly deps: PoolReconcilerDeps) {
    this.capacityRetryMs = deps.capacityRetryMs ?? 30_000;
  }

  async reconcile(poolName: string): Promise<ReconcileResult> {
    const { cache, provider, cellName, log } = this.deps;
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
        await provider.terminate(instances.map((i) => i.id));
      }
      await this.collectNodes(poolName, new Set());
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

    const spec = pool.spec!;
    const target = poolTarget(spec.min, pool.status?.desired ?? 0, spec.max);
    let members = poolMembers(instances, this.poolNodes(poolName), cache.isLive);
    const plan = planPool(target, members);
    let result: ReconcileResult = {};

    if (plan.launch > 0 && waitMs > 0) {
      result = { requeueAfter: waitMs };
    } else if (plan.launch > 0 && !outcome.refused) {
      const taken = new Set([...cache.nodes().map((n) => n.metadata?.name ?? ''), ...instances.map((i) => i.node)]);
      const intent = launchIntent(randomUUID(), newNodeNames(poolName, plan.launch, taken));
      await this.deps.store.mutate('nodePool', poolName, cellName, (p) => withLaunch(p, intent), { fence: this.deps.fence() });
      log.info({ pool: poolName, count: plan.launch, target, token: intent.token }, 'launching nodes');
      await this.launch(cell, pool, intent, outcome);
      instances = merge(instances, outcome.instances);
      members = poolMembers(instances, this.poolNodes(poolName), cache.isLive);
    }
    if (outcome.refused) result = { requeueAfter: this.capacityRetryMs };

    if (plan.terminate.length > 0) {
      log.info({ pool: poolName, instances: plan.terminate, target }, 'terminating surplus nodes');
      await provider.terminate(plan.terminate);
      const gone = new Set(plan.terminate);
      instances = instances.filter((i) => !gone.has(i.id));
      members = members.filter((m) => !m.instanceId || !gone.has(m.instanceId));
    }

    await this.collectNodes(poolName, new Set(instances.flatMap((i) => [i.id, i.node])));
    await this.writeStatus(poolName, members, outcome);
    return result;
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
    return retryAt - Date.now();
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
  private async collectNodes(poolName: string, liveInstances: ReadonlySet<string>): Promise<void> {
    const { cache, store, cellName, log } = this.deps;
    for (const node of this.poolNodes(poolName)) {
      const name = node.metadata?.name ?? '';
      if (cache.isLive(name) || liveInstances.has(node.spec?.providerId ?? '') || liveInstances.has(name)) continue;
      try {
        await store.delete('node', name, cellName, { resourceVersion: node.metadata?.resourceVersion, fence: this.deps.fence() });
        log.info({ pool: poolName, node: name }, 'instance gone and heartbeat stopped; node removed');
      } catch (err) {
        // Gone already, or re-registered since the cache saw it: the next reconcile decides again.
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }

  private async writeStatus(poolName: string, members: PoolMember[], outcome: LaunchOutcome): Promise<void> {
    const { store, cellName, cache } = this.deps;
    const counts = countMembers(members);
    const gpus = gpuCapacity(
      members.flatMap((m) => (m.object ? [m.object] : [])),
      cache.isLive,
    );
    const now = new Date();
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
          status.capacityRetryTime = new Date(now.getTime() + this.capacityRetryMs).toISOString();
        } else if (outcome.launched) {
          status.conditions = setCondition(old.conditions, capacityCondition('False', 'Launched', 'the last launch went through', now), false);
          status.capacityRetryTime = undefined;
        }
        const next = withoutLaunches({ ...current, status }, outcome.done);
        return Buffer.from(NodePool.encode(next).finish()).equals(before) ? undefined : next;
      },
      { fence: this.deps.fence() },
    );
  }
}

function merge(listed: Instance[], launched: Instance[]): Instance[] {
  const ids = new Set(listed.map((i) => i.id));
  return [...listed, ...launched.filter((i) => !ids.has(i.id) && i.state !== 'terminated')];
}

function capacityCondition(status: 'True' | 'False', reason: string, message: string, now: Date): Condition {
  return Condition.fromPartial({ type: CAPACITY_UNAVAILABLE, status, reason, message, lastTransitionTime: now.toISOString() });
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
