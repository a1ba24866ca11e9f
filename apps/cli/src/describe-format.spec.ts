import { Deployment, Node, NodePhase, Tier, wrap } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { describeResource, humanizeField } from './describe-format';

const NOW = Date.parse('2024-05-04T12:00:00Z');

describe('humanizeField', () => {
  it.each([
    ['gpuType', 'GPU Type'],
    ['gpuIndices', 'GPU Indices'],
    ['maxSurge', 'Max Surge'],
    ['gpus', 'GPUs'],
    ['providerId', 'Provider ID'],
    ['memoryMib', 'Memory MiB'],
    ['min', 'Min'],
    ['scaleDownStabilizationSeconds', 'Scale Down Stabilization Seconds'],
  ])('%s -> %s', (field, label) => {
    expect(humanizeField(field)).toBe(label);
  });
});

describe('describeResource', () => {
  it('prints metadata, spec, status with tables for flat lists, and conditions', () => {
    const node = wrap('node', Node.fromPartial({
      metadata: { name: 'n-1', uid: 'u-1', generation: 2, resourceVersion: 41, labels: { zone: 'a', team: 'ml' }, createdAt: '2024-05-01T12:00:00.000Z' },
      spec: { cell: 'us-east', tier: Tier.TIER_RESERVED, gpus: 2 },
      status: {
        phase: NodePhase.NODE_PHASE_NOT_READY,
        gpus: [{ index: 0, model: 'H100', healthy: true }, { index: 1, model: 'H100' }],
        conditions: [{ type: 'Ready', status: 'False', reason: 'LeaseExpired', message: 'no heartbeat for 5s', lastTransitionTime: '2024-05-04T11:58:00.000Z' }],
        lastTransitionTime: '2024-05-04T11:58:00.000Z',
      },
    }));
    expect(describeResource(node, NOW)).toBe(
      [
        'Name:                    n-1',
        'Kind:                    Node',
        'Labels:                  zone=a',
        '                         team=ml',
        'Annotations:             <none>',
        'UID:                     u-1',
        'Generation:              2',
        'Resource Version:        41',
        'Created:                 2024-05-01T12:00:00.000Z (3d ago)',
        'Spec:',
        '  Cell:                  us-east',
        '  Tier:                  Reserved',
        '  GPUs:                  2',
        'Status:',
        '  Phase:                 NotReady',
        '  GPUs:',
        '    Model   Healthy   Index',
        '    H100    true      <none>',
        '    H100    <none>    1',
        '  Last Transition Time:  2024-05-04T11:58:00.000Z (2m ago)',
        'Conditions:',
        '  Type    Status   Reason         Message               Age',
        '  Ready   False    LeaseExpired   no heartbeat for 5s   2m',
        '',
      ].join('\n'),
    );
  });

  it('says <none> for what is not set, and numbers nested list items', () => {
    const d = wrap('deployment', Deployment.fromPartial({
      metadata: { name: 'llama' },
      spec: { template: { command: ['python', '-m', 'serve'], env: { MODEL: 'm' } } },
      status: { history: [{ revision: 1, template: { gpus: 1 } }] },
    }));
    expect(describeResource(d, NOW)).toBe(
      [
        'Name:              llama',
        'Kind:              Deployment',
        'Labels:            <none>',
        'Annotations:       <none>',
        'UID:               <none>',
        'Generation:        0',
        'Resource Version:  0',
        'Created:           <none>',
        'Spec:',
        '  Template:',
        '    Command:       python -m serve',
        '    Env:           MODEL=m',
        'Status:',
        '  History:',
        '    [0]:',
        '      Revision:    1',
        '      Template:',
        '        GPUs:      1',
        'Conditions:        <none>',
        '',
      ].join('\n'),
    );
    expect(describeResource(wrap('deployment', Deployment.fromPartial({ metadata: { name: 'x' } })), NOW)).toContain('Spec:              <none>\nStatus:            <none>\n');
  });

  it('shows the recent scaling decisions of an autoscaled deployment as a table, and the last request', () => {
    const d = wrap('deployment', Deployment.fromPartial({
      metadata: { name: 'llama' },
      spec: { replicas: 6, autoscaling: { minReplicas: 1, maxReplicas: 10, targetLoad: 4 } },
      status: {
        autoscaling: {
          desiredReplicas: 6,
          panic: true,
          decisions: [
            { decisionTime: '2024-05-04T11:58:00.000Z', fromReplicas: 2, toReplicas: 6, reason: 'Panic', message: 'in-flight 22 -> 6' },
            { decisionTime: '2024-05-04T11:59:00.000Z', fromReplicas: 6, toReplicas: 6, reason: 'Requested', message: 'requested 6' },
          ],
          request: { replicas: 6, reason: 'forecast', requestTime: '2024-05-04T11:50:00.000Z' },
        },
      },
    }));
    const text = describeResource(d, NOW);
    expect(text).toContain(
      [
        '    Decisions:',
        '      Decision Time              From Replicas   To Replicas   Reason      Message',
        '      2024-05-04T11:58:00.000Z   2               6             Panic       in-flight 22 -> 6',
        '      2024-05-04T11:59:00.000Z   6               6             Requested   requested 6',
      ].join('\n'),
    );
    expect(text).toMatch(/Request Time: +2024-05-04T11:50:00.000Z \(10m ago\)/);
  });
});
