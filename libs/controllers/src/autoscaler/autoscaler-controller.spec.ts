import { Deployment, DeploymentStatus, LoadReport, Replica, ReplicaPhase } from '@helios/api';
import { ManualClock } from '@helios/controller-runtime';
import { waitFor } from '@helios/launcher';
import { LoadReportWriter } from '@helios/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { controllerWorld, type ControllerWorld } from '../testing/controller-world';
import { AutoscalerController } from './autoscaler-controller';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const TICK_MS = 2_000;

describe('AutoscalerController against etcd', () => {
  let world: ControllerWorld | undefined;
  let writer: LoadReportWriter | undefined;
  afterEach(async () => {
    writer?.close();
    await world?.close();
    world = undefined;
  });

  /** A world on a manual clock with deployment `d` (autoscaled as given) and `ready` Ready replicas. */
  async function setUp(autoscaling: object, replicas: number, ready: number): Promise<{ w: ControllerWorld; clock: ManualClock; controller: AutoscalerController }> {
    const clock = new ManualClock(T0);
    const w = await controllerWorld(inject('etcdEndpoint'), clock);
    world = w;
    writer = new LoadReportWriter(w.client, w.keys, { ttlSeconds: 30, flushMs: 5 });
    await w.store.create('deployment', Deployment.fromPartial({ metadata: { name: 'd' }, spec: { replicas, template: { command: ['serve'] }, autoscaling } }));
    for (let i = 0; i < ready; i++) {
      await w.store.create('replica', Replica.fromPartial({ metadata: { name: `d-${i}` }, spec: { deployment: 'd' }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY } }));
    }
    return { w, clock, controller: new AutoscalerController(w.deps, { autoscalerTickMs: TICK_MS }) };
  }

  const report = (reporter: string, inFlight: number[], heldRequests = 0) =>
    LoadReport.fromPartial({ deployment: 'd', reporter, heldRequests, replicas: inFlight.map((n, i) => ({ replica: `d-${i}`, inFlight: n })) });
  const stored = async (w: ControllerWorld) => (await w.store.get('deployment', 'd'))!;

  it('scales up from the reports at once when the panic window asks for 2x the Ready replicas, and records why', async () => {
    const { w, controller } = await setUp({ minReplicas: 1, maxReplicas: 10, targetLoad: 2 }, 2, 2);
    // Two routers see 8 in flight on each of the two replicas: 16 in all, 8 replicas at target 2.
    await writer!.write(report('router-a', [5, 3]));
    await writer!.write(report('router-b', [3, 5]));
    const generation = (await stored(w)).metadata!.generation;
    w.run(controller);
    const scaled = await waitFor('the deployment scaled up', async () => ((await stored(w)).spec?.replicas === 8 ? stored(w) : undefined), 10_000, 50);
    expect(scaled.metadata?.generation).toBe(generation + 1);
    expect(scaled.status?.autoscaling).toMatchObject({ desiredReplicas: 8, panic: true });
    expect(scaled.status?.autoscaling?.decisions).toEqual([
      { decisionTime: new Date(T0).toISOString(), fromReplicas: 2, toReplicas: 8, reason: 'Panic', message: expect.stringContaining('in-flight 16') },
    ]);
    const metric = async (name: string) => (await w.deps.metrics.registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.deployment === 'd')?.value;
    expect(await metric('helios_autoscaler_desired_replicas')).toBe(8);
    expect(await metric('helios_autoscaler_panic')).toBe(1);
    expect(await metric('helios_autoscaler_observed_load')).toBe(16);
  });

  it('keeps the count while new replicas are not Ready yet, however long they take', async () => {
    const { w, clock, controller } = await setUp({ minReplicas: 1, maxReplicas: 32, targetLoad: 2 }, 2, 2);
    await writer!.write(report('router-a', [8, 8]));
    w.run(controller);
    await waitFor('the first scale-up', async () => (await stored(w)).spec?.replicas === 8, 10_000, 50);
    // A minute of ticks with 6 replicas Pending that report nothing: still 16 in flight, still 8
    // (a count multiplied by the load per Ready replica would go 8 -> 32).
    const reconciles = async () =>
      (await w.deps.metrics.reconcileTotal.get()).values.filter((v) => v.labels.controller === 'autoscaler').reduce((sum, v) => sum + v.value, 0);
    const before = await reconciles();
    for (let i = 0; i < 30; i++) {
      await writer!.write(report('router-a', [8, 8]));
      const seen = await reconciles();
      clock.advance(TICK_MS);
      await waitFor(`the reconcile of tick ${i + 1}`, async () => (await reconciles()) > seen, 10_000, 20);
    }
    expect((await reconciles()) - before).toBeGreaterThanOrEqual(30);
    expect((await stored(w)).spec?.replicas).toBe(8);
    expect((await stored(w)).status?.autoscaling?.decisions).toHaveLength(1);
  });

  it('goes from zero to one on the first report of held requests, without waiting for a tick', async () => {
    const { w, controller } = await setUp({ minReplicas: 0, maxReplicas: 4, targetLoad: 1 }, 0, 0);
    w.run(controller);
    await writer!.write(report('router-a', [], 3));
    // 0 -> 1 first, apart; then, the one replica not Ready yet and 3 requests held, 1 -> 3 in panic.
    const scaled = await waitFor('the deployment scaled from zero', async () => ((await stored(w)).spec?.replicas === 3 ? stored(w) : undefined), 10_000, 50);
    expect(scaled.status?.autoscaling?.decisions.map((d) => [d.fromReplicas, d.toReplicas, d.reason])).toEqual([
      [0, 1, 'ScaleFromZero'],
      [1, 3, 'Panic'],
    ]);
  });

  it('follows a RequestReplicas above the load, and clamps nothing it need not', async () => {
    const { w, controller } = await setUp({ minReplicas: 1, maxReplicas: 10, targetLoad: 2 }, 2, 2);
    await w.store.mutate('deployment', 'd', undefined, (d) => ({ ...d, status: { ...DeploymentStatus.fromPartial(d.status ?? {}), autoscaling: { desiredReplicas: 0, panic: false, decisions: [], request: { replicas: 6, reason: 'forecast', requestTime: new Date(T0).toISOString() } } } }));
    w.run(controller);
    const scaled = await waitFor('the requested count', async () => ((await stored(w)).spec?.replicas === 6 ? stored(w) : undefined), 10_000, 50);
    expect(scaled.status?.autoscaling?.decisions.at(-1)).toMatchObject({ reason: 'Requested', message: 'requested 6 -> 6' });
    expect(scaled.status?.autoscaling?.request?.reason).toBe('forecast');
  });
});
