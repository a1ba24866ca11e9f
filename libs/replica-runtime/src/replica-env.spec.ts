import { ReplicaTemplate } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { inheritedEnvironment, replicaEnvironment } from './replica-env';
import type { ReplicaLaunch } from './replica-runtime';

describe('replicaEnvironment', () => {
  const launch = (env: Record<string, string>, gpuIndices: number[]): ReplicaLaunch => ({
    deployment: 'web',
    replica: 'web-7f3c',
    uid: 'u-1',
    revision: 4,
    template: ReplicaTemplate.fromPartial({ command: ['serve'], env }),
    gpuIndices,
  });

  const cases: { name: string; env: Record<string, string>; gpus: number[]; want: Record<string, string> }[] = [
    {
      name: 'the worked example: template env kept, GPUs and port decided by Helios',
      env: { MODEL: 'llama', PORT: '1' },
      gpus: [2, 3],
      want: { PATH: '/bin', MODEL: 'llama', PORT: '8000', CUDA_VISIBLE_DEVICES: '2,3', HELIOS_DEPLOYMENT: 'web', HELIOS_REPLICA: 'web-7f3c', HELIOS_REVISION: '4' },
    },
    {
      name: 'no GPUs hides every GPU, even when the template names some',
      env: { CUDA_VISIBLE_DEVICES: '0,1,2,3' },
      gpus: [],
      want: { PATH: '/bin', PORT: '8000', CUDA_VISIBLE_DEVICES: '', HELIOS_DEPLOYMENT: 'web', HELIOS_REPLICA: 'web-7f3c', HELIOS_REVISION: '4' },
    },
    {
      name: 'the template may replace an inherited variable',
      env: { PATH: '/opt/model/bin' },
      gpus: [0],
      want: { PATH: '/opt/model/bin', PORT: '8000', CUDA_VISIBLE_DEVICES: '0', HELIOS_DEPLOYMENT: 'web', HELIOS_REPLICA: 'web-7f3c', HELIOS_REVISION: '4' },
    },
  ];
  it.each(cases)('$name', ({ env, gpus, want }) => {
    expect(replicaEnvironment(launch(env, gpus), 8000, { PATH: '/bin', UNSET: undefined })).toEqual(want);
  });
});

describe('inheritedEnvironment', () => {
  it('keeps only what a replica needs of the host', () => {
    expect(inheritedEnvironment({ PATH: '/bin', HOME: '/root', HELIOS_ETCD: 'http://etcd:2379', AWS_SECRET_ACCESS_KEY: 'x' })).toEqual({ PATH: '/bin', HOME: '/root' });
  });
});
