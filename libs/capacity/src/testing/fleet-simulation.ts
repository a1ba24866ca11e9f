import { NodePhase, ReplicaPhase, type Cell, type Deployment, type Node, type NodePool, type Replica } from '@helios/api';
import { bindReplicas, isSchedulable, placeReplicas } from '@helios/scheduling';
import type { CapacityOptions } from '../capacity-options';
import { planCapacity } from '../plan-capacity';
import { node, replica } from '@helios/scheduling/testing';
import type { SeededRandom } from '@helios/scheduling/testing';

/**
 * The control loop of a fleet in memory: cell placement, the capacity planner, a cloud that makes
 * pools match their desired count at once (launching Ready nodes, removing idle ones), and each cell
 * agent's binder. Tests drive it round by round and read allocation off it.
 */
export class FleetSimulation {
  nodes: Node[] = [];
  replicas: Replica[] = [];
  private readonly lastScaleUpAt: Record<string, string> = {};
  private clock = Date.parse('2025-01-01T00:00:00Z');
  private serial = 0;

  constructor(
    readonly cells: Cell[],
    readonly pools: NodePool[],
    readonly deployments: Deployment[],
    private readonly options: CapacityOptions = {},
  ) {}

  /** One reconcile round: create missing replicas, place, plan, provision, bind; then let time pass. */
  round(): void {
    const now = new Date(this.clock);
    for (const d of this.deployments) {
      const name = d.metadata!.name;
      const live = this.replicas.filter((r) => r.spec!.deployment === name).length;
      for (let i = live; i < d.spec!.replicas; i += 1) {
        this.replicas.push(replica(name, `${name}-${this.serial++}`, { gpus: d.spec!.template!.gpus, gpuType: d.spec!.template!.gpuType }));
      }
      const placement = placeReplicas({ deployment: d, replicas: this.replicas, cells: this.cells, pools: this.pools, nodes: this.nodes, now });
      for (const a of placement.assignments) {
        a.replica.spec!.cell = a.cell;
        a.replica.spec!.tier = a.tier;
      }
    }

    const plan = planCapacity({ pools: this.pools, nodes: this.nodes, replicas: this.replicas, deployments: this.deployments, lastScaleUpAt: this.lastScaleUpAt, options: this.options }, now);
    for (const p of plan.pools) {
      const pool = this.pools.find((x) => x.spec!.cell === p.cell && x.metadata!.name === p.pool)!;
      if (p.direction === 'up') this.lastScaleUpAt[`${p.cell}/${p.pool}`] = now.toISOString();
      pool.status!.desired = p.desired;
      const mine = this.nodes.filter((n) => n.spec!.cell === p.cell && n.spec!.pool === p.pool && isSchedulable(n));
      for (let i = mine.length; i < p.desired; i += 1) {
        this.nodes.push(node(p.cell, `${p.pool}-${this.serial++}`, { pool: p.pool, tier: pool.spec!.tier, gpus: pool.spec!.gpusPerNode, gpuType: pool.spec!.gpuType }));
      }
      const idle = mine.filter((n) => !this.replicas.some((r) => r.spec!.cell === p.cell && r.spec!.node === n.metadata!.name));
      const gone = new Set(idle.slice(0, Math.max(0, mine.length - p.desired)));
      this.nodes = this.nodes.filter((n) => !gone.has(n));
    }

    for (const c of this.cells) {
      for (const b of bindReplicas({ cell: c.metadata!.name, nodes: this.nodes, replicas: this.replicas }).bindings) {
        b.replica.spec!.node = b.node;
        b.replica.spec!.gpuIndices = b.gpuIndices;
        b.replica.status!.phase = ReplicaPhase.REPLICA_PHASE_READY;
      }
    }
    this.clock += 10 * 60 * 1000;
  }

  /** Deletes `count` random replicas (failures, rolling restarts); the next round replaces them. */
  churn(rng: SeededRandom, count: number): void {
    const doomed = new Set(rng.shuffle(this.replicas).slice(0, count));
    this.replicas = this.replicas.filter((r) => !doomed.has(r));
  }

  /** Share of the GPUs on Ready nodes that replicas hold. */
  allocation(): number {
    const provisioned = this.nodes.filter((n) => n.status!.phase === NodePhase.NODE_PHASE_READY).reduce((sum, n) => sum + n.spec!.gpus, 0);
    const allocated = this.replicas.reduce((sum, r) => sum + (r.spec!.node ? r.spec!.gpuIndices.length : 0), 0);
    return provisioned === 0 ? 1 : allocated / provisioned;
  }

  /** Replicas without a node. */
  unbound(): Replica[] {
    return this.replicas.filter((r) => !r.spec!.node);
  }
}
