import { Cell, NodePhase, NodePool, NodePoolStatus, Replica, ReplicaPhase, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import type { NodeChannels } from '@helios/node-client';
import { inProcessFleet, SimProvider, type NodeApiServer, type SimNodeTokens, type SimProviderOptions } from '@helios/sim';
import { Keys, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { CellAgent, type CellAgentOptions } from '../cell-agent';

/** A fresh key root, a sim cloud whose running instances run node agents, and cell agents for cell c1. */
export interface CellWorld {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  leases: LeasePool;
  provider: SimProvider;
  metrics: Registry;
  /** The node API the simulated nodes join through (in this process), its channels and tokens. */
  nodeApi: NodeApiServer;
  channels: NodeChannels;
  tokens: SimNodeTokens;
  /** Creates a started cell agent for c1 (stopped by close()). */
  agent(options?: Partial<CellAgentOptions>): CellAgent;
  /** Creates cell c1 and the given pools. */
  apply(...pools: NodePool[]): Promise<void>;
  /** Sets a pool's status.desired, as the capacity planner does. */
  setDesired(pool: string, desired: number): Promise<void>;
  readyNodes(pool: string): Promise<string[]>;
  close(): Promise<void>;
}

export const logger = createLogger('cell-agent-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A pool of c1. */
export function poolOf(name: string, tier: Tier, o: { gpuType?: string; gpusPerNode?: number; min?: number; max?: number; price?: number } = {}): NodePool {
  return NodePool.fromPartial({
    metadata: { name, uid: randomUUID(), generation: 1 },
    spec: { cell: 'c1', gpuType: o.gpuType ?? 'h100', gpusPerNode: o.gpusPerNode ?? 8, tier, min: o.min ?? 0, max: o.max ?? 10, hourlyPrice: o.price ?? 0 },
  });
}

/** A Pending replica of `deployment` placed in c1 (as cell placement leaves it). */
export function placedReplica(deployment: string, name: string, gpus: number, tier = Tier.TIER_UNSPECIFIED): Replica {
  return Replica.fromPartial({
    metadata: { name, uid: randomUUID() },
    spec: { deployment, cell: 'c1', tier, template: { gpus, gpuType: 'h100' } },
    status: { phase: ReplicaPhase.REPLICA_PHASE_PENDING },
  });
}

/** Builds a CellWorld against the test etcd; its simulated nodes go through an in-process node API. */
export async function cellWorld(endpoint: string, sim: SimProviderOptions = { launchLatencyMs: 0 }, fleet = true): Promise<CellWorld> {
  const client = connectEtcd(endpoint);
  const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  const store = new ResourceStore(client, keys);
  const leases = new LeasePool(client, { streams: 2 });
  const provider = new SimProvider(sim);
  const metrics = new Registry();
  const { fleet: nodes, nodeApi, channels, tokens, close: closeFleet } = await inProcessFleet({ client, keys, store, logger }, provider, { nodeLeaseTtl: 2 });
  if (fleet) nodes.start();
  const agents: CellAgent[] = [];
  return {
    client,
    keys,
    store,
    leases,
    provider,
    metrics,
    nodeApi,
    channels,
    tokens,
    agent(options = {}) {
      const agent = new CellAgent({ client, keys, provider, leases, store, logger, metrics }, { cell: 'c1', id: `agent-${agents.length}`, leaseTtl: 2, ...options });
      agents.push(agent);
      agent.start();
      return agent;
    },
    async apply(...pools) {
      await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1', uid: randomUUID(), generation: 1 }, spec: { provider: 'sim', region: 'sim-1', zones: ['sim-1a'] } }));
      for (const pool of pools) await store.create('nodePool', pool);
    },
    async setDesired(pool, desired) {
      await store.mutate('nodePool', pool, 'c1', (p) => ({ ...p, status: NodePoolStatus.fromPartial({ ...p.status, desired }) }));
    },
    async readyNodes(pool) {
      return (await store.list('node', 'c1')).items.filter((n) => n.spec?.pool === pool && n.status?.phase === NodePhase.NODE_PHASE_READY).map((n) => n.metadata!.name);
    },
    async close() {
      for (const agent of agents.reverse()) await agent.stop();
      await closeFleet();
      provider.close();
      leases.close();
      client.close();
    },
  };
}
