import { NodePhase, ReplicaPhase, Tier, type Replica } from '@helios/api';
import { isRetired } from '@helios/replica-lifecycle';
import { GpuHoldings, gpuRequest } from '@helios/scheduling';
import { Informer, type Etcd3, type Keys } from '@helios/store';
import type { PoolSpec } from './fleet-spec';
import type { RecordingCloud } from './recording-cloud';

/** GPUs held by replicas and GPUs paid for, at one moment. */
export interface AllocationSample {
  allocated: number;
  provisioned: number;
}

/** Whether the fleet has settled on a step, and if not, why not. */
export interface Settlement {
  settled: boolean;
  why: string;
}

/**
 * Watches the fleet the way an operator would (etcd informers, and the cloud's own record) and
 * keeps the benchmark's figures: GPUs allocated and provisioned, each replica's Pending -> Bound
 * time, replicas lost with their node, and the launch intents the cell agents recorded.
 */
export class FleetObserver {
  private readonly replicas: Informer<'replica'>;
  private readonly nodes: Informer<'node'>;
  private readonly pools: Informer<'nodePool'>;
  private readonly firstSeen = new Map<string, number>();
  private readonly boundAfter = new Map<string, number>();
  /** Uids of replicas lost: on an instance that died while they were not retired, or Failed. */
  readonly lost = new Map<string, string>();
  /** Launch intents seen in pool status: token -> node count. */
  readonly intents = new Map<string, number>();
  private readonly gpusPerNode: Map<string, number>;
  private readonly specs: Map<string, PoolSpec>;

  constructor(
    client: Etcd3,
    keys: Keys,
    private readonly cloud: RecordingCloud,
    pools: readonly PoolSpec[],
  ) {
    this.replicas = new Informer(client, keys, 'replica');
    this.nodes = new Informer(client, keys, 'node');
    this.pools = new Informer(client, keys, 'nodePool');
    this.gpusPerNode = new Map(pools.map((p) => [p.name, p.gpusPerNode]));
    this.specs = new Map(pools.map((p) => [p.name, p]));
    this.replicas.on((e) => {
      if (e.type === 'deleted') return;
      const uid = e.object.metadata?.uid ?? '';
      const now = Date.now();
      if (!this.firstSeen.has(uid)) this.firstSeen.set(uid, now);
      if (e.object.spec?.node && !this.boundAfter.has(uid)) this.boundAfter.set(uid, (now - this.firstSeen.get(uid)!) / 1000);
      if (e.object.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED) this.lost.set(uid, `${e.object.spec?.deployment}/${e.object.metadata?.name} Failed: ${e.object.status.reason}`);
    });
    this.pools.on((e) => {
      for (const intent of e.object.status?.launches ?? []) this.intents.set(intent.token, intent.nodeNames.length);
    });
    cloud.sim.onInstanceTerminated(({ instance }) => {
      for (const r of this.replicas.list()) {
        if (r.spec?.cell === instance.cell && r.spec.node === instance.node && !isRetired(r)) {
          this.lost.set(r.metadata?.uid ?? '', `${r.spec.deployment}/${r.metadata?.name} on ${instance.cell}/${instance.node}, terminated while it ran there`);
        }
      }
    });
  }

  start(): Promise<void> {
    return Promise.all([this.replicas.start(), this.nodes.start(), this.pools.start()]).then(() => undefined);
  }

  stop(): Promise<void> {
    return Promise.all([this.replicas.stop(), this.nodes.stop(), this.pools.stop()]).then(() => undefined);
  }

  /** GPUs held by replicas bound to nodes, and GPUs of every instance not terminated (booting ones are paid for too). */
  sample(): AllocationSample {
    const allocated = this.replicas.list().reduce((sum, r) => sum + (r.spec?.node ? Math.max(gpuRequest(r).gpus, r.spec.gpuIndices.length) : 0), 0);
    const provisioned = this.cloud.live().reduce((sum, i) => sum + (this.gpusPerNode.get(i.pool) ?? 0), 0);
    return { allocated, provisioned };
  }

  /** Seconds from first sight to first binding, of every replica bound so far. */
  bindLatencies(): number[] {
    return [...this.boundAfter.values()];
  }

  /** Instances the cloud made beyond what recorded launch intents asked for (a launch with no intent counts whole). */
  duplicateInstances(): number {
    let extra = 0;
    for (const [token, ids] of this.cloud.createdByToken) extra += Math.max(0, ids.size - (this.intents.get(token) ?? 0));
    return extra;
  }

  /** The pool's status.desired as the planner last wrote it. */
  desired(cell: string, pool: string): number {
    return this.pools.get(pool, cell)?.status?.desired ?? 0;
  }

  /** Instances of a pool the cloud runs. */
  liveIn(pool: string): number {
    return this.cloud.live().filter((i) => i.pool === pool).length;
  }

  /** Busy preemptible instances, busiest first: the ones whose preemption hurts. */
  busyPreemptible(): { id: string; gpus: number }[] {
    const holdings = GpuHoldings.of(this.replicas.list());
    return this.cloud
      .live()
      .filter((i) => this.specs.get(i.pool)?.tier === Tier.TIER_PREEMPTIBLE)
      .map((i) => ({ id: i.id, gpus: holdings.heldGpus(i.cell, i.node) }))
      .filter((i) => i.gpus > 0)
      .sort((a, b) => b.gpus - a.gpus || (a.id < b.id ? -1 : 1));
  }

  /**
   * Whether the fleet has settled after a step: every replica of the active deployments bound
   * and none retired or orphaned; every instance booted into a Ready node and none draining; no
   * idle node left in a pool above its min (so scale-down, cooldown included, is done).
   */
  settled(active: ReadonlyMap<string, number>): Settlement {
    const replicas = this.replicas.list();
    const byDeployment = new Map<string, Replica[]>();
    for (const r of replicas) {
      const d = r.spec?.deployment ?? '';
      if (!active.has(d)) return { settled: false, why: `replicas of departed ${d} remain` };
      if (isRetired(r)) return { settled: false, why: `${d}/${r.metadata?.name} is being retired` };
      byDeployment.set(d, [...(byDeployment.get(d) ?? []), r]);
    }
    for (const [d, want] of active) {
      const mine = byDeployment.get(d) ?? [];
      const bound = mine.filter((r) => r.spec?.node).length;
      if (mine.length !== want || bound !== want) return { settled: false, why: `${d}: ${bound} of ${want} bound (${mine.length} exist)` };
    }
    const holdings = GpuHoldings.of(replicas);
    const nodes = this.nodes.list();
    for (const [name, spec] of this.specs) {
      const live = this.cloud.live().filter((i) => i.pool === name);
      const ready = nodes.filter((n) => n.spec?.pool === name && n.status?.phase === NodePhase.NODE_PHASE_READY);
      if (nodes.some((n) => n.spec?.pool === name && n.status?.phase === NodePhase.NODE_PHASE_DRAINING)) return { settled: false, why: `${name} has a draining node` };
      if (live.length !== ready.length) return { settled: false, why: `${name}: ${ready.length} Ready nodes for ${live.length} instances` };
      const idle = ready.filter((n) => !holdings.isBusy(spec.cell, n.metadata?.name ?? '')).length;
      if (idle > 0 && live.length > spec.min) return { settled: false, why: `${name}: ${idle} idle of ${live.length} nodes above min ${spec.min}` };
    }
    return { settled: true, why: '' };
  }
}
