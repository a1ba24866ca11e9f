import { LoadReport, LoadSignal } from '@helios/api';
import { describe, expect, it } from 'vitest';
import type { MetricTarget } from './autoscaling-policy';
import { observeLoad } from './observe-load';

const IN_FLIGHT: MetricTarget = { signal: LoadSignal.LOAD_SIGNAL_IN_FLIGHT, gauge: '', target: 4 };
const RPS: MetricTarget = { signal: LoadSignal.LOAD_SIGNAL_REQUESTS_PER_SECOND, gauge: '', target: 10 };
const KV: MetricTarget = { signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv-cache', target: 0.8 };
const report = (reporter: string, replicas: object[], heldRequests = 0) => LoadReport.fromPartial({ deployment: 'd', reporter, replicas, heldRequests });
const abc = [
  { name: 'a', ready: true },
  { name: 'b', ready: true },
  { name: 'c', ready: false },
];

describe('observeLoad', () => {
  it.each([
    {
      // The worked example on observeLoad.
      name: 'two routers add up; an unreported Ready replica counts at target for scale-down',
      metrics: [IN_FLIGHT],
      reports: [report('r1', [{ replica: 'a', inFlight: 3 }, { replica: 'c', inFlight: 1 }]), report('r2', [{ replica: 'a', inFlight: 2 }], 4)],
      want: { up: [10], down: [14], busy: true },
    },
    {
      name: 'reports on replicas that are gone are dropped',
      metrics: [IN_FLIGHT],
      reports: [report('r1', [{ replica: 'a', inFlight: 1 }, { replica: 'b', inFlight: 1 }, { replica: 'zombie', inFlight: 50 }])],
      want: { up: [2], down: [2], busy: true },
    },
    {
      name: 'held requests are no requests per second',
      metrics: [IN_FLIGHT, RPS],
      reports: [report('r1', [{ replica: 'a', requestsPerSecond: 30 }, { replica: 'b', requestsPerSecond: 10 }], 5)],
      want: { up: [5, 40], down: [5, 40], busy: true },
    },
    {
      name: 'a replica without the gauge is unreported for that gauge',
      metrics: [IN_FLIGHT, KV],
      reports: [report('r1', [{ replica: 'a', gauges: { 'kv-cache': 0.5 } }, { replica: 'b' }])],
      want: { up: [0, 0.5], down: [0, 1.3], busy: true },
    },
    {
      name: 'every Ready replica reported idle: not busy',
      metrics: [IN_FLIGHT],
      reports: [report('r1', [{ replica: 'a' }, { replica: 'b' }])],
      want: { up: [0], down: [0], busy: false },
    },
  ])('$name', ({ metrics, reports, want }) => {
    expect(observeLoad(metrics, reports, abc)).toEqual(want);
  });

  it('knows nothing without a report', () => {
    expect(observeLoad([IN_FLIGHT], [], abc)).toBeUndefined();
  });
});
