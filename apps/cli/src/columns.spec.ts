import { Cell, CellPhase, Deployment, LoadSignal, Node, NodePhase, NodePool, Replica, ReplicaPhase, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { tableOf } from './columns';

const NOW = Date.parse('2024-05-04T12:00:00Z');
const CREATED = '2024-05-04T11:57:00Z'; // 3 minutes before NOW
const meta = (name: string) => ({ name, createdAt: CREATED });

describe('tableOf', () => {
  it('cells: ready/total nodes and allocated/provisioned GPUs summed over tiers', () => {
    const cell = Cell.fromPartial({
      metadata: meta('us-east'),
      spec: { provider: 'aws', region: 'us-east-1', zones: ['a', 'b'] },
      status: {
        phase: CellPhase.CELL_PHASE_READY,
        nodes: 4,
        readyNodes: 3,
        agentLive: true,
        agentId: 'agent-7',
        gpus: [
          { tier: Tier.TIER_RESERVED, provisioned: 16, allocated: 8 },
          { tier: Tier.TIER_PREEMPTIBLE, provisioned: 8, allocated: 1 },
        ],
      },
    });
    expect(tableOf('cell', [cell], false, NOW)).toEqual({ header: ['NAME', 'PROVIDER', 'REGION', 'PHASE', 'NODES', 'GPUS', 'AGE'], rows: [['us-east', 'aws', 'us-east-1', 'Ready', '3/4', '9/24', '3m']] });
    expect(tableOf('cell', [cell], true, NOW).header).toEqual(['NAME', 'PROVIDER', 'REGION', 'PHASE', 'NODES', 'GPUS', 'ZONES', 'AGENT', 'RESERVED', 'PREEMPTIBLE', 'ON-DEMAND', 'AGE']);
    // -o wide splits the GPUs by tier.
    expect(tableOf('cell', [cell], true, NOW).rows[0]!.slice(6)).toEqual(['a,b', 'agent-7', '8/16', '1/8', '0/0', '3m']);
  });

  it('cells with nothing observed yet', () => {
    expect(tableOf('cell', [Cell.fromPartial({ metadata: { name: 'c' } })], true, NOW).rows).toEqual([['c', '<none>', '<none>', '<none>', '0/0', '0/0', '<none>', '<none>', '0/0', '0/0', '0/0', '<unknown>']]);
  });

  it('pools', () => {
    const pool = NodePool.fromPartial({
      metadata: meta('gpu-a'),
      spec: { cell: 'c', gpuType: 'h100', instanceType: 'p5', gpusPerNode: 8, tier: Tier.TIER_RESERVED, min: 1, max: 3, zone: 'a', reservationId: 'cr-1' },
      status: { desired: 2, ready: 1, gpus: [{ tier: Tier.TIER_RESERVED, gpuType: 'h100', provisioned: 8, allocated: 5, free: 2, unhealthy: 1 }] },
    });
    const wide = tableOf('nodePool', [pool], true, NOW);
    expect(wide.header).toEqual(['NAME', 'CELL', 'TIER', 'GPU', 'MIN', 'MAX', 'DESIRED', 'READY', 'INSTANCE-TYPE', 'GPUS/NODE', 'ZONE', 'RESERVATION', 'GPUS', 'FREE', 'UNHEALTHY', 'AGE']);
    expect(wide.rows).toEqual([['gpu-a', 'c', 'Reserved', 'h100', '1', '3', '2', '1', 'p5', '8', 'a', 'cr-1', '5/8', '2', '1', '3m']]);
  });

  it.each([
    [false, 'Ready'],
    [true, 'Ready,SchedulingDisabled'],
  ])('nodes (unschedulable %s)', (unschedulable, phase) => {
    const node = Node.fromPartial({ metadata: meta('n-1'), spec: { cell: 'c', pool: 'p', tier: Tier.TIER_PREEMPTIBLE, gpus: 8, unschedulable, gpuType: 'h100', providerId: 'i-1' }, status: { phase: NodePhase.NODE_PHASE_READY, allocatableGpus: 6, address: '10.0.0.1' } });
    expect(tableOf('node', [node], false, NOW).rows).toEqual([['n-1', 'c', 'p', 'Preemptible', '8', phase, '3m']]);
    expect(tableOf('node', [node], true, NOW).rows[0]!.slice(6)).toEqual(['h100', '6', '<none>', 'i-1', '10.0.0.1', '3m']);
  });

  it('deployments', () => {
    const d = Deployment.fromPartial({ metadata: meta('llama'), spec: { replicas: 3, template: { gpus: 2, gpuType: 'h100', command: ['python', 'serve.py'] }, placement: { cells: ['a', 'b'] } }, status: { readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2, revision: 4 } });
    expect(tableOf('deployment', [d], false, NOW)).toEqual({
      header: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UPDATED', 'AVAILABLE', 'MIN', 'MAX', 'SIGNAL', 'REVISION', 'AGE'],
      rows: [['llama', '3', '0', '2', '1', '2', '<none>', '<none>', '<none>', '4', '3m']],
    });
    expect(tableOf('deployment', [d], true, NOW).rows[0]!.slice(10)).toEqual(['2', 'h100', 'a,b', 'python serve.py', '3m']);
  });

  it('autoscaled deployments: min, max and the signals with their targets', () => {
    const d = Deployment.fromPartial({
      metadata: meta('llama'),
      spec: { replicas: 7, autoscaling: { minReplicas: 0, maxReplicas: 20, targetLoad: 4, metrics: [{ signal: LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH, target: 2 }, { signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv-cache', target: 0.8 }] } },
      status: { replicas: 5, readyReplicas: 4 },
    });
    expect(tableOf('deployment', [d], false, NOW).rows).toEqual([['llama', '7', '5', '4', '0', '0', '0', '20', 'InFlight=4,QueueDepth=2,kv-cache=0.8', '0', '3m']]);
  });

  it('replicas', () => {
    const r = Replica.fromPartial({ metadata: meta('llama-1'), spec: { deployment: 'llama', cell: 'c', node: '', revision: 4, tier: Tier.TIER_ON_DEMAND, gpuIndices: [0, 1] }, status: { phase: ReplicaPhase.REPLICA_PHASE_PENDING, restarts: 0, reason: 'NoCapacity' } });
    expect(tableOf('replica', [r], false, NOW)).toEqual({
      header: ['NAME', 'DEPLOYMENT', 'CELL', 'NODE', 'PHASE', 'ENDPOINT', 'RESTARTS', 'AGE'],
      rows: [['llama-1', 'llama', 'c', '<none>', 'Pending', '<none>', '0', '3m']],
    });
    expect(tableOf('replica', [r], true, NOW).rows[0]!.slice(7)).toEqual(['4', 'OnDemand', '0,1', 'NoCapacity', '3m']);
  });
});
