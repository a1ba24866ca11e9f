import { Tier } from '@helios/api';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { instrumentProvider } from './instrumented-provider';
import type { CloudProvider, Instance, LaunchRequest } from './provider';
import { ProviderError } from './provider-error';

const node: Instance = {
  id: 'i-1',
  cell: 'c1',
  pool: 'p1',
  node: 'n1',
  tier: Tier.TIER_ON_DEMAND,
  state: 'pending',
  zone: 'z1',
  launchedAt: new Date('2026-03-01T00:00:00Z'),
};

const request: LaunchRequest = {
  template: { cell: 'c1', pool: 'p1', region: 'r', zone: 'z1', instanceType: 't', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND },
  count: 1,
  token: 'tok',
  nodeNames: ['n1'],
};

// A provider whose every answer the test scripts, and which advances a fake clock as it "works".
function scripted(name: string, clock: { ms: number }, failLaunch?: unknown): CloudProvider & { seen: unknown[][] } {
  const seen: unknown[][] = [];
  return {
    name,
    seen,
    async launch(r) {
      seen.push(['launch', r]);
      clock.ms += 2_500;
      if (failLaunch !== undefined) throw failLaunch;
      return [node];
    },
    async terminate(ids) {
      seen.push(['terminate', ids]);
      clock.ms += 100;
    },
    async list(cell, pool) {
      seen.push(['list', cell, pool]);
      clock.ms += 40;
      return [node];
    },
  };
}

async function values(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).map((v) => ({ labels: v.labels, value: v.value, ...('metricName' in v ? { metricName: v.metricName } : {}) }));
}

describe('instrumentProvider', () => {
  it('passes calls and results through and counts each by method and outcome', async () => {
    const registry = new Registry();
    const clock = { ms: 0 };
    const inner = scripted('aws', clock);
    const provider = instrumentProvider(inner, registry, { now: () => clock.ms });

    expect(provider.name).toBe('aws');
    expect(await provider.launch(request)).toEqual([node]);
    expect(await provider.list('c1', 'p1')).toEqual([node]);
    await provider.terminate(['i-1']);
    expect(inner.seen).toEqual([['launch', request], ['list', 'c1', 'p1'], ['terminate', ['i-1']]]);

    expect(await values(registry, 'helios_provider_calls_total')).toEqual([
      { labels: { provider: 'aws', method: 'launch', outcome: 'success' }, value: 1 },
      { labels: { provider: 'aws', method: 'list', outcome: 'success' }, value: 1 },
      { labels: { provider: 'aws', method: 'terminate', outcome: 'success' }, value: 1 },
    ]);
    expect(await values(registry, 'helios_provider_errors_total')).toEqual([]);
    const durations = await values(registry, 'helios_provider_call_duration_seconds');
    expect(durations.filter((d) => d.metricName === 'helios_provider_call_duration_seconds_sum')).toEqual([
      { labels: { provider: 'aws', method: 'launch' }, value: 2.5, metricName: 'helios_provider_call_duration_seconds_sum' },
      { labels: { provider: 'aws', method: 'list' }, value: 0.04, metricName: 'helios_provider_call_duration_seconds_sum' },
      { labels: { provider: 'aws', method: 'terminate' }, value: 0.1, metricName: 'helios_provider_call_duration_seconds_sum' },
    ]);
    // 2.5 s lands in the 2.5 bucket, not the 1 s one.
    const launchBuckets = durations.filter((d) => d.metricName === 'helios_provider_call_duration_seconds_bucket' && d.labels.method === 'launch');
    expect(launchBuckets.find((b) => b.labels.le === 1)?.value).toBe(0);
    expect(launchBuckets.find((b) => b.labels.le === 2.5)?.value).toBe(1);
  });

  it('counts failures by ProviderError code and rethrows the same error', async () => {
    const registry = new Registry();
    const clock = { ms: 0 };
    const stockout = new ProviderError('InsufficientCapacity', 'no p5 in us-east-1a');
    const provider = instrumentProvider(scripted('aws', clock, stockout), registry, { now: () => clock.ms });

    await expect(provider.launch(request)).rejects.toBe(stockout);

    expect(await values(registry, 'helios_provider_calls_total')).toEqual([{ labels: { provider: 'aws', method: 'launch', outcome: 'error' }, value: 1 }]);
    expect(await values(registry, 'helios_provider_errors_total')).toEqual([
      { labels: { provider: 'aws', method: 'launch', error_type: 'InsufficientCapacity' }, value: 1 },
    ]);
    const count = (await values(registry, 'helios_provider_call_duration_seconds')).find((d) => d.metricName === 'helios_provider_call_duration_seconds_count');
    expect(count?.value).toBe(1);
  });

  it('counts a non-ProviderError as Unknown', async () => {
    const registry = new Registry();
    const provider = instrumentProvider(scripted('gcp', { ms: 0 }, new TypeError('adapter bug')), registry);
    await expect(provider.launch(request)).rejects.toThrow('adapter bug');
    expect(await values(registry, 'helios_provider_errors_total')).toEqual([{ labels: { provider: 'gcp', method: 'launch', error_type: 'Unknown' }, value: 1 }]);
  });

  it('shares one set of metrics when several providers report into one registry', async () => {
    const registry = new Registry();
    const aws = instrumentProvider(scripted('aws', { ms: 0 }), registry);
    const gcp = instrumentProvider(scripted('gcp', { ms: 0 }), registry);
    await aws.list('c1');
    await gcp.list('c2');
    expect(await values(registry, 'helios_provider_calls_total')).toEqual([
      { labels: { provider: 'aws', method: 'list', outcome: 'success' }, value: 1 },
      { labels: { provider: 'gcp', method: 'list', outcome: 'success' }, value: 1 },
    ]);
  });
});
