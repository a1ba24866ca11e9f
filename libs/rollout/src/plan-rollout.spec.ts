import { ReplicaPhase, type Deployment, type Replica } from '@helios/api';
import { isLive } from '@helios/replica-lifecycle';
import { describe, expect, it } from 'vitest';
import { planRollout, type RolloutPlan } from './plan-rollout';
import { isAvailable } from './replica-facts';
import { resolveRevision } from './revision-history';
import { AVAILABLE, COMPLETE, PROGRESSING, ROLLED_BACK, findCondition } from '@helios/api';
import { T0, at, changeTemplate, deployment, names, readyReplicas, replica } from './testing/rollout-fixtures';

const P = ReplicaPhase;
const conditionOf = (plan: RolloutPlan, type: string) => {
  const c = findCondition(plan.status.conditions, type);
  return c && `${c.status} ${c.reason}`;
};
const withStatus = (d: Deployment, plan: RolloutPlan): Deployment => ({ ...d, status: plan.status });

/**
 * A small world for the planner: applies each plan as the controller and node agents would
 * (created replicas start Pending, retirements leave at once), makes started replicas Ready a
 * tick later (or never, for a broken version) and advances the clock.
 */
class World {
  replicas: Replica[] = [];
  now = T0;
  minLive = Infinity;
  maxLive = 0;
  minAvailable = Infinity;
  created = 0;

  constructor(
    public deployment: Deployment,
    private readonly broken = new Set<string>(),
  ) {}

  /** One reconcile: plan, apply, then one tick of `seconds` in which replicas progress. */
  step(seconds = 1): RolloutPlan {
    const plan = planRollout({ deployment: this.deployment, replicas: this.replicas, now: this.now });
    this.deployment = withStatus(this.deployment, plan);
    if (plan.rollback) {
      this.deployment = { ...this.deployment, metadata: { ...this.deployment.metadata!, generation: this.deployment.metadata!.generation + 1 }, spec: { ...this.deployment.spec!, template: plan.rollback.template } };
      this.deployment = { ...this.deployment, status: resolveRevision(this.deployment, at(0)) ?? this.deployment.status };
      return plan;
    }
    const gone = new Set([...plan.retire, ...plan.remove]);
    this.replicas = this.replicas.filter((r) => !gone.has(r));
    const version = plan.create.template!.command[1]!.slice('--version='.length);
    for (let i = 0; i < plan.create.count; i++) {
      this.created++;
      this.replicas.push(replica(version, plan.create.revision, P.REPLICA_PHASE_STARTING));
    }
    this.observe();
    this.now += seconds * 1000;
    const nowIso = new Date(this.now).toISOString();
    this.replicas = this.replicas.map((r) => {
      if (r.status?.phase !== P.REPLICA_PHASE_STARTING || this.broken.has(r.spec!.template!.command[1]!)) return r;
      return { ...r, status: { ...r.status!, phase: P.REPLICA_PHASE_READY, readyTime: nowIso } };
    });
    this.observe();
    return plan;
  }

  private observe(): void {
    const live = this.replicas.filter(isLive);
    this.minLive = Math.min(this.minLive, live.length);
    this.maxLive = Math.max(this.maxLive, live.length);
    this.minAvailable = Math.min(this.minAvailable, live.filter((r) => isAvailable(r, this.deployment.spec!.strategy?.minReadySeconds ?? 0, this.now)).length);
  }

  /** True when the planner has seen the current spec and reports the rollout complete. */
  complete(): boolean {
    const status = this.deployment.status;
    return status?.observedGeneration === this.deployment.metadata?.generation && findCondition(status?.conditions, COMPLETE)?.status === 'True';
  }

  versions(): string[] {
    return [...new Set(this.replicas.map((r) => r.spec!.template!.command[1]!))].sort();
  }
}

describe('planRollout', () => {
  it('creates every replica of a new deployment at once', () => {
    const plan = planRollout({ deployment: deployment('v1', 8), replicas: [], now: T0 });
    expect([plan.create.count, plan.create.revision]).toEqual([8, 1]);
    expect([plan.status.replicas, plan.status.observedGeneration, plan.status.progressTime]).toEqual([0, 1, at(0)]);
    expect([conditionOf(plan, PROGRESSING), conditionOf(plan, AVAILABLE), conditionOf(plan, COMPLETE)]).toEqual([
      'True ReplicasUpdating',
      'False MinimumReplicasUnavailable',
      'False RolloutInProgress',
    ]);
  });

  // Mirrors the worked example in plan-rollout.ts.
  it('surges 3 new replicas when the template of 10 changes', () => {
    const v1 = deployment('v1', 10);
    const settled = withStatus(v1, planRollout({ deployment: v1, replicas: readyReplicas('v1', 1, 10), now: T0 }));
    expect(settled.status?.stableRevision).toBe(1);
    const plan = planRollout({ deployment: changeTemplate(settled, 'v2'), replicas: readyReplicas('v1', 1, 10), now: T0 + 1000 });
    expect([plan.create.count, plan.create.revision, plan.retire.length]).toEqual([3, 2, 0]);
    expect([plan.status.updatedReplicas, plan.status.availableReplicas, plan.status.revision]).toEqual([0, 10, 2]);
    expect([conditionOf(plan, PROGRESSING), conditionOf(plan, COMPLETE), conditionOf(plan, AVAILABLE)]).toEqual([
      'True ReplicasUpdating',
      'False RolloutInProgress',
      'True MinimumReplicasAvailable',
    ]);
  });

  it.each([
    { replicas: 10, strategy: {}, maxLive: 13, minAvailable: 10 },
    { replicas: 10, strategy: { maxSurge: '0', maxUnavailable: '2' }, maxLive: 10, minAvailable: 8 },
    { replicas: 8, strategy: { maxSurge: '1', maxUnavailable: '25%' }, maxLive: 9, minAvailable: 6 },
    { replicas: 5, strategy: { maxSurge: '100%' }, maxLive: 10, minAvailable: 5 },
  ])('rolls $replicas replicas over with $strategy within [$minAvailable available, $maxLive live]', ({ replicas, strategy, maxLive, minAvailable }) => {
    const world = new World(deployment('v1', replicas, strategy));
    for (let i = 0; i < 5; i++) world.step();
    expect(world.versions()).toEqual(['--version=v1']);
    world.deployment = changeTemplate(world.deployment, 'v2');
    world.minAvailable = Infinity;
    world.maxLive = 0;
    for (let i = 0; i < 30 && !world.complete(); i++) world.step();
    expect(world.versions()).toEqual(['--version=v2']);
    expect(world.replicas).toHaveLength(replicas);
    expect(world.maxLive).toBeLessThanOrEqual(maxLive);
    expect(world.minAvailable).toBeGreaterThanOrEqual(minAvailable);
    expect([world.deployment.status?.revision, world.deployment.status?.stableRevision]).toEqual([2, 2]);
  });

  it('waits minReadySeconds before counting a new replica, and asks to look again then', () => {
    const world = new World(deployment('v1', 4, { minReadySeconds: 5, maxSurge: '1' }));
    for (let i = 0; i < 10; i++) world.step();
    world.deployment = changeTemplate(world.deployment, 'v2');
    expect(world.step().create.count).toBe(1);
    // The new replica became Ready at the end of that tick; it counts 5 s later.
    const waiting = planRollout({ deployment: world.deployment, replicas: world.replicas, now: world.now });
    expect([waiting.retire.length, waiting.create.count, waiting.requeueAfterMs]).toEqual([0, 0, 5_000]);
    const later = planRollout({ deployment: world.deployment, replicas: world.replicas, now: world.now + 5_000 });
    expect([later.retire.length, later.create.count]).toEqual([1, 1]);
  });

  it('rolls a revision that never becomes ready back to the stable one at the progress deadline', () => {
    const world = new World(deployment('v1', 8, { progressDeadlineSeconds: 30 }), new Set(['--version=v2']));
    for (let i = 0; i < 3; i++) world.step();
    world.deployment = changeTemplate(world.deployment, 'v2');
    world.minAvailable = Infinity;
    const first = world.step(10);
    expect(first.create.count).toBe(2);
    expect(world.step(10).requeueAfterMs).toBe(20_000);
    const last = world.step(10);
    expect([last.rollback, last.requeueAfterMs]).toEqual([undefined, 10_000]);
    const rolled = world.step(10);
    expect(rolled.rollback).toEqual({
      reason: 'ProgressDeadlineExceeded',
      fromRevision: 2,
      toRevision: 1,
      template: world.deployment.status!.history.find((r) => r.revision === 3)!.template,
      message: 'revision 2 rolled back to the template of revision 1: it made no progress for 30s',
    });
    expect([conditionOf(rolled, ROLLED_BACK), conditionOf(rolled, PROGRESSING)]).toEqual(['True ProgressDeadlineExceeded', 'False ProgressDeadlineExceeded']);
    // Back on v1 (renumbered 3): the broken replicas go, nothing of v1 was lost on the way.
    expect(world.deployment.status?.revision).toBe(3);
    const after = world.step();
    expect(after.retire.map((r) => r.spec!.revision)).toEqual([2, 2]);
    expect(world.minAvailable).toBe(8);
    expect(world.versions()).toEqual(['--version=v1']);
  });

  it('rolls back at once when the new replicas keep crashing', () => {
    const d = deployment('v1', 4);
    const stable = withStatus(d, planRollout({ deployment: d, replicas: readyReplicas('v1', 1, 4), now: T0 }));
    const v2 = changeTemplate(stable, 'v2');
    const crashing = [replica('v2', 2, P.REPLICA_PHASE_STARTING, { restarts: 2, reason: 'Crashed' }), replica('v2', 2, P.REPLICA_PHASE_STARTING, { restarts: 1 })];
    const plan = planRollout({ deployment: v2, replicas: [...readyReplicas('v1', 1, 4), ...crashing], now: T0 + 2_000 });
    expect(plan.rollback?.reason).toBe('ReplicasFailing');
    expect(plan.rollback?.message).toBe('revision 2 rolled back to the template of revision 1: its replicas failed 3 times and none became available');
    expect([plan.create.count, plan.retire, plan.remove]).toEqual([0, [], []]);
    const fewer = planRollout({ deployment: v2, replicas: [...readyReplicas('v1', 1, 4), crashing[1]!], now: T0 + 2_000 });
    expect(fewer.rollback).toBeUndefined();
    // A replica that Failed outright counts, though it is about to be replaced.
    const failed = replica('v2', 2, P.REPLICA_PHASE_FAILED, { restarts: 1, reason: 'NoCommand' });
    const withFailed = planRollout({ deployment: v2, replicas: [...readyReplicas('v1', 1, 4), crashing[1]!, failed], now: T0 + 2_000 });
    expect(withFailed.rollback?.reason).toBe('ReplicasFailing');
  });

  it('without a stable revision, a missed deadline only says so', () => {
    const world = new World(deployment('v1', 2, { progressDeadlineSeconds: 10 }), new Set(['--version=v1']));
    world.step(11);
    const plan = world.step();
    expect(plan.rollback).toBeUndefined();
    expect(conditionOf(plan, PROGRESSING)).toBe('False ProgressDeadlineExceeded');
    expect(plan.requeueAfterMs).toBeUndefined();
  });

  it('replaces replicas lost with their node, and deletes the lost objects', () => {
    const d = deployment('v1', 4);
    const ready = readyReplicas('v1', 1, 2);
    const lost = [replica('v1', 1, P.REPLICA_PHASE_FAILED, { reason: 'NodeLost' }), replica('v1', 1, P.REPLICA_PHASE_FAILED, { reason: 'NodeLost', deletionTime: at(0) })];
    const plan = planRollout({ deployment: d, replicas: [...ready, ...lost], now: T0 });
    expect([plan.create.count, names(plan.remove), plan.retire]).toEqual([2, names(lost), []]);
    expect(plan.status.replicas).toBe(2);
  });

  it('retires the surplus of a scale-down, unready first; unbound ones are deleted outright', () => {
    const d = deployment('v1', 2);
    const pending = replica('v1', 1, P.REPLICA_PHASE_PENDING, { name: 'pending', node: '' });
    const starting = replica('v1', 1, P.REPLICA_PHASE_STARTING, { name: 'starting' });
    const plan = planRollout({ deployment: d, replicas: [...readyReplicas('v1', 1, 2), pending, starting], now: T0 });
    expect([names(plan.remove), names(plan.retire), plan.create.count]).toEqual([['pending'], ['starting'], 0]);
  });

  it('does not roll while paused, but refills capacity lost with a node', () => {
    const d = deployment('v1', 4);
    const stable = withStatus(d, planRollout({ deployment: d, replicas: readyReplicas('v1', 1, 4), now: T0 }));
    const rolling = changeTemplate(stable, 'v2');
    const mixed = [...readyReplicas('v1', 1, 3), ...readyReplicas('v2', 2, 1)];
    const paused = { ...rolling, spec: { ...rolling.spec!, paused: true } };
    const plan = planRollout({ deployment: paused, replicas: mixed, now: T0 + 60_000_000 });
    expect([plan.create.count, plan.retire.length, plan.rollback, conditionOf(plan, PROGRESSING)]).toEqual([0, 0, undefined, 'Unknown DeploymentPaused']);
    const lostOne = [...mixed.slice(1), replica('v1', 1, P.REPLICA_PHASE_FAILED, { reason: 'NodeLost' })];
    const refill = planRollout({ deployment: paused, replicas: lostOne, now: T0 });
    expect([refill.create.count, refill.create.revision, refill.remove.length]).toEqual([1, 2, 1]);
  });

  it('while paused before a new template is revisioned, keeps running the old one and is not complete', () => {
    const d = deployment('v1', 2);
    const stable = withStatus(d, planRollout({ deployment: d, replicas: readyReplicas('v1', 1, 2), now: T0 }));
    const paused = { ...stable, metadata: { ...stable.metadata!, generation: 5 }, spec: { ...stable.spec!, paused: true, replicas: 3, template: changeTemplate(stable, 'v2').spec!.template } };
    const plan = planRollout({ deployment: paused, replicas: readyReplicas('v1', 1, 2), now: T0 });
    expect([plan.create.count, plan.create.revision, plan.status.revision]).toEqual([1, 1, 1]);
    expect(conditionOf(plan, COMPLETE)).toBe('False DeploymentPaused');
  });

  it('keeps the replicas of a revision renumbered by an undo, relabelling them', () => {
    const d = deployment('v1', 2);
    const v1Ready = readyReplicas('v1', 1, 2);
    const stable = withStatus(d, planRollout({ deployment: d, replicas: v1Ready, now: T0 }));
    const v2 = changeTemplate(stable, 'v2');
    const undone = changeTemplate(v2, 'v1');
    expect(undone.status?.revision).toBe(3);
    const plan = planRollout({ deployment: undone, replicas: v1Ready, now: T0 });
    expect([plan.create.count, plan.retire.length, names(plan.relabel)]).toEqual([0, 0, names(v1Ready)]);
    expect(conditionOf(plan, COMPLETE)).toBe('True RolloutComplete');
  });

  it('writes the same status again when nothing changed', () => {
    const d = deployment('v1', 2);
    const replicas = readyReplicas('v1', 1, 2);
    const first = planRollout({ deployment: d, replicas, now: T0 });
    const second = planRollout({ deployment: withStatus(d, first), replicas, now: T0 + 60_000 });
    expect(second.status).toEqual(first.status);
  });
});
