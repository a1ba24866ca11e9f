import { ReplicaPhase, type Node, type NodePool, type Replica } from '@helios/api';
import { AssumedWrites } from '@helios/controller-runtime';
import { replicaId } from '@helios/scheduling';
import { cell, deployment, node, pendingReplicas } from '@helios/scheduling/testing';
import { describe, expect, it } from 'vitest';
import { PlacementView, type PlacementCache } from './placement-view';

/** A replica cache a test moves by hand: its replicas, and the revision it is up to date with. */
class FakeCache implements PlacementCache {
  revision = 9;
  readonly replicas = new Map<string, Replica>();
  constructor(
    readonly nodes: Node[],
    readonly pools: NodePool[] = [],
  ) {}
  put(...replicas: Replica[]): void {
    for (const replica of replicas) this.replicas.set(replicaId(replica), replica);
  }
  replicasOf(d: string): Replica[] {
    return [...this.replicas.values()].filter((r) => r.spec?.deployment === d);
  }
  replicasIn(c: string): Replica[] {
    return [...this.replicas.values()].filter((r) => r.spec?.cell === c);
  }
  nodesIn(c: string): Node[] {
    return this.nodes.filter((n) => n.spec?.cell === c);
  }
  poolsIn(c: string): NodePool[] {
    return this.pools.filter((p) => p.spec?.cell === c);
  }
}

const CELLS = [cell('east'), cell('west')];
const where = (placed: readonly Replica[]) => placed.map((r) => `${r.metadata!.name} -> ${r.spec!.cell}`);

/**
 * East has one node of 4 free GPUs, west one of 8, no pool can add any. Deployment a (3 x 1 GPU)
 * is placed first (PACK: all three in east), and its placement written at revision 10; the cache
 * is at revision 9 and shows a's replicas still waiting.
 */
function afterA(): { cache: FakeCache; view: PlacementView; placedA: Replica[] } {
  const cache = new FakeCache([node('east', 'e1', { gpus: 4 }), node('west', 'w1', { gpus: 8 })]);
  cache.put(...pendingReplicas('a', 3), ...pendingReplicas('b', 3));
  const view = new PlacementView(cache, new AssumedWrites<Replica>((r) => r.spec?.cell ?? ''), { now: () => 0, capacityUnavailableBackoffSeconds: 300 });
  const { placed } = view.plan(deployment('a', { replicas: 3 }), CELLS);
  expect(where(placed)).toEqual(['a-0 -> east', 'a-1 -> east', 'a-2 -> east']);
  return { cache, view, placedA: placed };
}

/** The cache receives a's placement (the controller's watch invalidates the cell, as for any such event). */
function cacheShows(cache: FakeCache, view: PlacementView, replicas: Replica[], revision: number): void {
  cache.put(...replicas);
  view.invalidate('east');
  cache.revision = revision;
}

describe('PlacementView: GPUs are never counted twice across back-to-back placements', () => {
  // East has 4 GPUs: once a holds 3 of them, b (3 replicas) fits 1 more there and the rest go west.
  // Counting east's GPUs twice (a's placement forgotten before the cache shows it) would put all
  // of b in east too: 6 replicas on 4 GPUs.
  it.each<{ name: string; between: (s: ReturnType<typeof afterA>) => void; b: string[]; assumed: number }>([
    {
      name: 'a written at 10, cache still at 9',
      between: ({ view, placedA }) => view.settle(placedA, [10, 10, 10]),
      b: ['b-0 -> east', 'b-1 -> west', 'b-2 -> west'],
      assumed: 3,
    },
    {
      name: 'a still in flight',
      between: () => undefined,
      b: ['b-0 -> east', 'b-1 -> west', 'b-2 -> west'],
      assumed: 3,
    },
    {
      name: 'a written at 10, cache reaches 10 (the assumption goes; the cache counts a once)',
      between: ({ cache, view, placedA }) => {
        view.settle(placedA, [10, 10, 10]);
        cacheShows(cache, view, placedA, 10);
      },
      b: ['b-0 -> east', 'b-1 -> west', 'b-2 -> west'],
      assumed: 0,
    },
    {
      name: 'a written at 10, cache at 10 shows a bound to e1 by the cell agent',
      between: ({ cache, view, placedA }) => {
        view.settle(placedA, [10, 10, 10]);
        const bound = placedA.map((r, i) => ({ ...r, spec: { ...r.spec!, node: 'e1', gpuIndices: [i] }, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_BOUND } }));
        cacheShows(cache, view, bound, 11);
      },
      b: ['b-0 -> east', 'b-1 -> west', 'b-2 -> west'],
      assumed: 0,
    },
    {
      name: 'a written at 10, cache at 9 invalidated by another event in east (rebuilt with the assumption)',
      between: ({ view, placedA }) => {
        view.settle(placedA, [10, 10, 10]);
        view.invalidate('east');
      },
      b: ['b-0 -> east', 'b-1 -> west', 'b-2 -> west'],
      assumed: 3,
    },
    {
      name: "one of a's writes refused (conflict): its GPU is free again at once",
      between: ({ view, placedA }) => view.settle(placedA, [10, undefined, 10]),
      b: ['b-0 -> east', 'b-1 -> east', 'b-2 -> west'],
      assumed: 2,
    },
    {
      name: "a's whole write failed: all three GPUs are free again",
      between: ({ view, placedA }) => view.settle(placedA, []),
      b: ['b-0 -> east', 'b-1 -> east', 'b-2 -> east'],
      assumed: 0,
    },
  ])('$name', ({ between, b, assumed }) => {
    const state = afterA();
    between(state);
    const { placed } = state.view.plan(deployment('b', { replicas: 3 }), CELLS);
    expect(where(placed)).toEqual(b);
    // b's own placements are assumed too, until their writes are settled.
    expect(state.view.assumed.size).toBe(assumed + 3);
  });

  it('does not place a deployment again while its own placement is only assumed', () => {
    const { view, placedA } = afterA();
    view.settle(placedA, [10, 10, 10]);
    expect(view.plan(deployment('a', { replicas: 3 }), CELLS).placed).toEqual([]);
  });

  it('keeps a written placement assumed until the cache reaches its revision, not one before', () => {
    const { cache, view, placedA } = afterA();
    view.settle(placedA, [10, 10, 12]);
    cache.revision = 11;
    view.prune();
    expect(view.assumed.size).toBe(1);
    expect(view.assumed.get('a/a-2')?.spec?.cell).toBe('east');
    cache.revision = 12;
    view.prune();
    expect(view.assumed.size).toBe(0);
  });
});
