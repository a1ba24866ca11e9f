import { NodeStatus, ReplicaPhase, ReplicaStatus, ReplicaStatusReport } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { StatusCoalescer } from './status-batch';

const R = ReplicaPhase;
const report = (name: string, phase: ReplicaPhase): ReplicaStatusReport =>
  ReplicaStatusReport.fromPartial({ deployment: 'web', name, uid: `u-${name}`, status: ReplicaStatus.fromPartial({ phase }) });

type Step = ['put', string, ReplicaPhase] | ['node', number] | ['take', number] | ['requeue'];

describe('StatusCoalescer', () => {
  it.each<[string, Step[], string[], number | undefined]>([
    // name, steps, replicas pending at the end (name:phase, in batch order), node allocatable GPUs pending
    ['the worked example of the doc comment', [['put', 'a', R.REPLICA_PHASE_READY], ['put', 'b', R.REPLICA_PHASE_STARTING], ['put', 'a', R.REPLICA_PHASE_FAILED], ['take', 10], ['put', 'b', R.REPLICA_PHASE_READY], ['requeue']], ['a:FAILED', 'b:READY'], undefined],
    ['the latest report of a replica wins', [['put', 'a', R.REPLICA_PHASE_STARTING], ['put', 'a', R.REPLICA_PHASE_READY]], ['a:READY'], undefined],
    ['a batch takes at most max, oldest change first', [['put', 'a', R.REPLICA_PHASE_READY], ['put', 'b', R.REPLICA_PHASE_READY], ['put', 'c', R.REPLICA_PHASE_READY], ['take', 2]], ['c:READY'], undefined],
    ['a delivered batch is gone', [['put', 'a', R.REPLICA_PHASE_READY], ['node', 4], ['take', 10]], [], undefined],
    ['a requeued node status yields to a newer one', [['node', 4], ['take', 10], ['node', 3], ['requeue']], [], 3],
    ['a requeued node status comes back when nothing replaced it', [['node', 4], ['put', 'a', R.REPLICA_PHASE_READY], ['take', 10], ['requeue']], ['a:READY'], 4],
  ])('%s', (_name, steps, replicas, allocatable) => {
    const coalescer = new StatusCoalescer();
    let taken: ReturnType<StatusCoalescer['take']>;
    for (const step of steps) {
      if (step[0] === 'put') coalescer.put(report(step[1], step[2]));
      else if (step[0] === 'node') coalescer.putNode(NodeStatus.fromPartial({ allocatableGpus: step[1] }));
      else if (step[0] === 'take') taken = coalescer.take(step[1]);
      else coalescer.requeue(taken!);
    }
    const rest = coalescer.take(100);
    expect(rest?.replicas.map((r) => `${r.name}:${R[r.status!.phase].replace('REPLICA_PHASE_', '')}`) ?? []).toEqual(replicas);
    expect(rest?.nodeStatus?.allocatableGpus).toBe(allocatable);
  });
});
