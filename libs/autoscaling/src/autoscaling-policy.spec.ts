import { Autoscaling, LoadSignal } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { metricName, resolveAutoscalingPolicy } from './autoscaling-policy';

describe('resolveAutoscalingPolicy', () => {
  it('fills every zero with its default', () => {
    expect(resolveAutoscalingPolicy(Autoscaling.fromPartial({ minReplicas: 0, maxReplicas: 8, targetLoad: 2 }))).toEqual({
      minReplicas: 0,
      maxReplicas: 8,
      metrics: [{ signal: LoadSignal.LOAD_SIGNAL_IN_FLIGHT, gauge: '', target: 2 }],
      tolerance: 0.1,
      stableWindowMs: 60_000,
      panicWindowMs: 6_000,
      panicThreshold: 2,
      scaleDownStabilizationMs: 300_000,
      scaleDownMaxStep: 0.5,
      scaleDownStepMs: 15_000,
      scaleToZeroIdleMs: 300_000,
      sampleSpacingMs: 1_000,
    });
  });

  it('keeps what the spec sets, and puts targetLoad first among the metrics', () => {
    const policy = resolveAutoscalingPolicy(
      Autoscaling.fromPartial({
        minReplicas: 1,
        maxReplicas: 8,
        targetLoad: 2,
        tolerance: 0.2,
        stableWindowSeconds: 30,
        panicWindowSeconds: 3,
        panicThresholdPercent: 150,
        scaleDownStabilizationSeconds: 60,
        scaleDownMaxStepPercent: 25,
        scaleDownStepSeconds: 5,
        scaleToZeroIdleSeconds: 900,
        metrics: [{ signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv', target: 0.7 }, { signal: LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH, gauge: 'ignored', target: 1 }],
      }),
    );
    expect(policy).toMatchObject({ tolerance: 0.2, stableWindowMs: 30_000, panicWindowMs: 3_000, panicThreshold: 1.5, scaleDownStabilizationMs: 60_000, scaleDownMaxStep: 0.25, scaleDownStepMs: 5_000, scaleToZeroIdleMs: 900_000 });
    expect(policy.metrics.map(metricName)).toEqual(['in-flight', 'gauge:kv', 'queue-depth']);
  });
});
