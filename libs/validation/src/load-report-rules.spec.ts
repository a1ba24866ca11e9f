import { LoadReport } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { validateLoadReport } from './load-report-rules';

const valid = () =>
  LoadReport.fromPartial({
    deployment: 'llama',
    reporter: 'router-host1.4711',
    heldRequests: 2,
    replicas: [{ replica: 'llama-1-abcde', inFlight: 3, queueDepth: 1, requestsPerSecond: 12.5, gauges: { 'kv-cache': 0.7 } }],
  });

describe('validateLoadReport', () => {
  it.each<{ name: string; change: (r: LoadReport) => void; paths: string[] }>([
    { name: 'valid', change: () => undefined, paths: [] },
    { name: 'no deployment', change: (r) => void (r.deployment = ''), paths: ['report.deployment'] },
    { name: 'reporter with a slash', change: (r) => void (r.reporter = 'a/b'), paths: ['report.reporter'] },
    { name: 'empty reporter', change: (r) => void (r.reporter = ''), paths: ['report.reporter'] },
    { name: 'negative held', change: (r) => void (r.heldRequests = -1), paths: ['report.heldRequests'] },
    { name: 'NaN in flight', change: (r) => void (r.replicas[0]!.inFlight = NaN), paths: ['report.replicas[0].inFlight'] },
    { name: 'infinite queue', change: (r) => void (r.replicas[0]!.queueDepth = Infinity), paths: ['report.replicas[0].queueDepth'] },
    { name: 'negative rps', change: (r) => void (r.replicas[0]!.requestsPerSecond = -0.5), paths: ['report.replicas[0].requestsPerSecond'] },
    { name: 'NaN gauge', change: (r) => void (r.replicas[0]!.gauges = { 'kv-cache': NaN }), paths: ['report.replicas[0].gauges["kv-cache"]'] },
    { name: 'bad gauge name', change: (r) => void (r.replicas[0]!.gauges = { '9 lives': 1 }), paths: ['report.replicas[0].gauges["9 lives"]'] },
    { name: 'bad replica name', change: (r) => void (r.replicas[0]!.replica = 'A/B'), paths: ['report.replicas[0].replica'] },
    { name: 'duplicate replica', change: (r) => void r.replicas.push({ ...r.replicas[0]! }), paths: ['report.replicas[1].replica'] },
  ])('$name', ({ change, paths }) => {
    const report = valid();
    change(report);
    expect(validateLoadReport('report', report).map((e) => e.path)).toEqual(paths);
  });

  it('requires a report', () => {
    expect(validateLoadReport('report', undefined)).toEqual([{ path: 'report', message: 'is required' }]);
  });
});
