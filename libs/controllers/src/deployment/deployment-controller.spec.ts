import { randomUUID } from 'node:crypto';
import { Deployment, ReplicaPhase, ReplicaTemplate, RolloutAction, metaOf, type DeploymentSpec, type Replica } from '@helios/api';
import { createLogger } from '@helios/config';
import { ControllerMetrics, Manager, ManualClock, type Clock } from '@helios/controller-runtime';
import { waitFor } from '@helios/launcher';
import { isRetiring } from '@helios/replica-lifecycle';
import { applyRolloutAction, COMPLETE, DEPLOYMENT_LABEL, DEPLOYMENT_UID_ANNOTATION, ROLLED_BACK, TEMPLATE_HASH_LABEL, findCondition, templateHash } from '@helios/rollout';
import { connectEtcd, Informer, Keys, LeaderElection, ResourceStore, SharedInformers, type Etcd3 } from '@helios/store';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeploymentController } from './deployment-controller';

const endpoint = inject('etcdEndpoint');
let client: Etcd3;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  client = connectEtcd(endpoint);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => client.close());

const P = ReplicaPhase;
const template = (version: string) => ReplicaTemplate.fromPartial({ command: ['model-server', `--version=${version}`], gpus: 1, gpuType: 'h100' });
const versionOf = (r: Replica) => r.spec?.template?.command[1]?.slice('--version='.length);

/**
 * One test's world: its own key root, a leader's fence, the controller, and hands that play
 * the node agents (bind, start, make Ready, finish retirements) and the operator (apply, edit).
 */
async function world(options: { clock?: Clock } = {}) {
  const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  const store = new ResourceStore(client, keys);
  const election = new LeaderElection(client, keys, 'control-plane', 'test', { ttl: 5 });
  await election.campaign();
  cleanups.push(() => election.resign().catch(() => undefined));
  const registry = new Registry();
  const clock = options.clock;
  const controller = new DeploymentController(
    { client, keys, store, fence: () => election.fence(), metrics: new ControllerMetrics(registry), logger: createLogger('test', 'silent'), clock },
    {},
  );
  const informers = new SharedInformers(client, keys);
  const abort = new AbortController();
  const running = new Manager({ informers, clock }).run([controller], abort.signal);
  cleanups.push(async () => {
    abort.abort();
    await running;
    await informers.stop();
  });
  const now = () => new Date(clock?.now() ?? Date.now()).toISOString();

  /** Creates a deployment as Apply does (generation 1, a uid). */
  const create = (name: string, spec: Partial<DeploymentSpec>) =>
    store.create('deployment', Deployment.fromPartial({ metadata: { name, uid: randomUUID(), generation: 1, createdAt: now() }, spec: { template: template('v1'), ...spec } }));
  /** Edits the spec as Apply, Scale and Rollout do (generation + 1). */
  const edit = (name: string, change: (spec: DeploymentSpec) => Partial<DeploymentSpec>) =>
    store.mutate('deployment', name, undefined, (d) =>
      Deployment.fromPartial({ ...d, metadata: { ...d.metadata, generation: metaOf(d).generation + 1 }, spec: { ...d.spec, ...change(d.spec!) } }),
    );
  const get = (name: string) => store.get('deployment', name);
  const replicas = async (name: string) => (await store.list('replica', name)).items;
  const live = async (name: string) => (await replicas(name)).filter((r) => !isRetiring(r));

  /**
   * One pass of the node agents over a deployment's replicas: retiring ones are finished
   * (deleted), unbound ones bound and Starting, Starting ones Ready when `ready` says so.
   */
  const agents = async (name: string, ready: (r: Replica) => boolean = () => true) => {
    for (const r of await replicas(name)) {
      const rn = metaOf(r).name;
      try {
        if (r.metadata?.deletionTime) await store.delete('replica', rn, name, { resourceVersion: metaOf(r).resourceVersion });
        else if (!r.spec?.node) await store.update('replica', { ...r, spec: { ...r.spec!, cell: 'c1', node: `node-${rn}` }, status: { ...r.status!, phase: P.REPLICA_PHASE_STARTING } });
        else if (r.status?.phase === P.REPLICA_PHASE_STARTING && ready(r)) {
          await store.update('replica', { ...r, status: { ...r.status, phase: P.REPLICA_PHASE_READY, endpoint: `127.0.0.1:${1000 + rn.length}`, readyTime: now() } });
        }
      } catch {
        // Lost a race with the controller: the next pass sees the new state.
      }
    }
  };

  /** Runs agent passes until the deployment satisfies `done`. */
  const settle = (name: string, done: (d: Deployment, rs: Replica[]) => boolean, what: string, ready?: (r: Replica) => boolean) =>
    waitFor(what, async () => {
      await agents(name, ready);
      const d = await get(name);
      const rs = await replicas(name);
      return d && done(d, rs) ? d : undefined;
    });

  /** Complete at the current generation, with exactly `count` replicas left, all of `version`. */
  const rolledOut = (version: string, count: number) => (d: Deployment, rs: Replica[]) =>
    d.status?.observedGeneration === metaOf(d).generation &&
    findCondition(d.status?.conditions, COMPLETE)?.status === 'True' &&
    rs.length === count &&
    rs.every((r) => versionOf(r) === version && r.status?.phase === P.REPLICA_PHASE_READY);

  /** Watches a deployment's replicas and records the extremes of live and Ready-and-serving counts. */
  const monitor = async (name: string) => {
    const informer = new Informer(client, keys, 'replica', { parent: name });
    const seen = { maxLive: 0, minServing: Infinity };
    const observe = () => {
      const all = informer.list();
      const alive = all.filter((r) => !isRetiring(r));
      seen.maxLive = Math.max(seen.maxLive, alive.length);
      seen.minServing = Math.min(seen.minServing, alive.filter((r) => r.status?.phase === P.REPLICA_PHASE_READY).length);
    };
    await informer.start();
    observe();
    const unsubscribe = informer.on(observe);
    cleanups.push(async () => {
      unsubscribe();
      await informer.stop();
    });
    return seen;
  };

  const metric = async (name: string, labels: Record<string, string>) => {
    const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
    return values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))?.value ?? 0;
  };

  return { keys, store, create, edit, get, replicas, live, agents, settle, rolledOut, monitor, metric };
}

describe('DeploymentController', () => {
  it('creates Pending replicas with the template copied, scales up, and retires the surplus on scale-down', async () => {
    const w = await world();
    const d = await w.create('web', { replicas: 3 });
    const pending = await waitFor('3 replicas', async () => {
      const rs = await w.replicas('web');
      return rs.length === 3 ? rs : undefined;
    });
    const hash = templateHash(d.spec!.template);
    for (const r of pending) {
      expect(metaOf(r).name).toMatch(/^web-1-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(r.spec).toMatchObject({ deployment: 'web', revision: 1, template: d.spec!.template, node: '' });
      expect(r.status?.phase).toBe(P.REPLICA_PHASE_PENDING);
      expect(metaOf(r).labels).toEqual({ [DEPLOYMENT_LABEL]: 'web', [TEMPLATE_HASH_LABEL]: hash });
      expect(metaOf(r).annotations).toEqual({ [DEPLOYMENT_UID_ANNOTATION]: metaOf(d).uid });
    }
    const settled = await w.settle('web', w.rolledOut('v1', 3), 'web complete with 3');
    expect(settled.status).toMatchObject({ revision: 1, stableRevision: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(settled.status?.history.map((h) => [h.revision, h.templateHash])).toEqual([[1, hash]]);

    await w.edit('web', () => ({ replicas: 5 }));
    await w.settle('web', w.rolledOut('v1', 5), 'web scaled to 5');

    // One replica stays unbound: a scale-down deletes it outright, and retires bound ones.
    await w.edit('web', () => ({ replicas: 6 }));
    const unbound = await waitFor('a sixth, unbound replica', async () => (await w.replicas('web')).find((r) => !r.spec?.node));
    await w.edit('web', () => ({ replicas: 2 }));
    const retiring = await waitFor('the surplus to retire', async () => {
      const rs = await w.replicas('web');
      return rs.filter(isRetiring).length === 3 && !rs.some((r) => metaOf(r).name === metaOf(unbound).name) ? rs.filter(isRetiring) : undefined;
    });
    for (const r of retiring) {
      expect(r.metadata?.deletionTime).toBeDefined();
      expect(r.status?.phase).toBe(P.REPLICA_PHASE_TERMINATING);
    }
    await w.settle('web', w.rolledOut('v1', 2), 'web scaled to 2');
  });

  it('rolls a new template over, never past replicas + maxSurge live nor below replicas - maxUnavailable serving', async () => {
    const w = await world();
    await w.create('web', { replicas: 6, strategy: { maxSurge: '2', maxUnavailable: '1' } as DeploymentSpec['strategy'] });
    await w.settle('web', w.rolledOut('v1', 6), 'v1 rolled out');
    const seen = await w.monitor('web');
    await w.edit('web', () => ({ template: template('v2') }));
    const done = await w.settle('web', w.rolledOut('v2', 6), 'v2 rolled out');
    expect(seen.maxLive).toBeLessThanOrEqual(8);
    expect(seen.minServing).toBeGreaterThanOrEqual(5);
    expect(done.status).toMatchObject({ revision: 2, stableRevision: 2, updatedReplicas: 6, availableReplicas: 6 });
    expect(done.status?.history.map((h) => h.revision)).toEqual([1, 2]);
  });

  it('counts a new replica only after minReadySeconds', async () => {
    const clock = new ManualClock(Date.now());
    const w = await world({ clock });
    await w.create('web', { replicas: 2, strategy: { maxSurge: '1', minReadySeconds: 30 } as DeploymentSpec['strategy'] });
    await waitFor('v1 Ready', async () => {
      await w.agents('web');
      return (await w.replicas('web')).filter((r) => r.status?.phase === P.REPLICA_PHASE_READY).length === 2;
    });
    clock.advance(30_000);
    await w.settle('web', w.rolledOut('v1', 2), 'v1 available');

    await w.edit('web', () => ({ template: template('v2') }));
    const surged = await waitFor('the surge replica Ready', async () => {
      await w.agents('web');
      const rs = await w.replicas('web');
      return rs.some((r) => versionOf(r) === 'v2' && r.status?.phase === P.REPLICA_PHASE_READY) ? rs : undefined;
    });
    // Ready, but not for 30 s yet: no old replica may go.
    const d = await waitFor('the status to count it Ready', async () => {
      const x = await w.get('web');
      return x?.status?.readyReplicas === 3 ? x : undefined;
    });
    expect(d.status?.availableReplicas).toBe(2);
    expect((await w.replicas('web')).filter(isRetiring)).toEqual([]);
    expect(surged).toHaveLength(3);

    clock.advance(30_000);
    await waitFor('an old replica to retire once the new one is available', async () => (await w.replicas('web')).some(isRetiring));
    // Each pass makes the next replica Ready, then lets its 30 s pass.
    await waitFor('v2 rolled out', async () => {
      await w.agents('web');
      clock.advance(30_000);
      const d = await w.get('web');
      return d && w.rolledOut('v2', 2)(d, await w.replicas('web'));
    });
  });

  it('rolls a revision that never becomes Ready back to the stable one at the progress deadline', async () => {
    const clock = new ManualClock(Date.now());
    const w = await world({ clock });
    await w.create('web', { replicas: 3, strategy: { progressDeadlineSeconds: 60 } as DeploymentSpec['strategy'] });
    await w.settle('web', w.rolledOut('v1', 3), 'v1 rolled out');
    const seen = await w.monitor('web');
    await w.edit('web', () => ({ template: template('broken') }));
    const notReady = (r: Replica) => versionOf(r) !== 'broken';
    await waitFor('the broken replica Starting', async () => {
      await w.agents('web', notReady);
      const rs = await w.replicas('web');
      return rs.some((r) => versionOf(r) === 'broken' && r.status?.phase === P.REPLICA_PHASE_STARTING);
    });
    clock.advance(59_000);
    expect((await w.get('web'))?.spec?.template?.command).toEqual(template('broken').command);

    clock.advance(1_000);
    const rolledBack = await waitFor('the rollback', async () => {
      const d = await w.get('web');
      return findCondition(d?.status?.conditions, ROLLED_BACK)?.status === 'True' ? d : undefined;
    });
    expect(rolledBack.spec?.template?.command).toEqual(template('v1').command);
    expect(findCondition(rolledBack.status?.conditions, ROLLED_BACK)).toMatchObject({
      reason: 'ProgressDeadlineExceeded',
      message: 'revision 2 rolled back to the template of revision 1: it made no progress for 60s',
    });
    await waitFor('the rollback counted', async () => (await w.metric('helios_deployment_rollbacks_total', { deployment: 'web', reason: 'ProgressDeadlineExceeded' })) === 1);
    const back = await w.settle('web', w.rolledOut('v1', 3), 'back on v1', notReady);
    expect([back.status?.revision, back.status?.stableRevision]).toEqual([3, 3]);
    expect(back.status?.history.map((h) => h.revision)).toEqual([2, 3]);
    expect(seen.minServing).toBeGreaterThanOrEqual(3);
  });

  it('rolls back at once when the new replicas keep crashing', async () => {
    const w = await world();
    await w.create('web', { replicas: 2 });
    await w.settle('web', w.rolledOut('v1', 2), 'v1 rolled out');
    await w.edit('web', () => ({ template: template('crashing') }));
    const crasher = await waitFor('the new replica', async () => (await w.replicas('web')).find((r) => versionOf(r) === 'crashing'));
    await w.store.mutate('replica', metaOf(crasher).name, 'web', (r) => ({ ...r, spec: { ...r.spec!, cell: 'c1', node: 'n1' }, status: { ...r.status!, phase: P.REPLICA_PHASE_STARTING, reason: 'Crashed', restarts: 3 } }));
    const d = await waitFor('the rollback', async () => {
      const x = await w.get('web');
      return findCondition(x?.status?.conditions, ROLLED_BACK)?.status === 'True' ? x : undefined;
    });
    expect(findCondition(d.status?.conditions, ROLLED_BACK)?.reason).toBe('ReplicasFailing');
    await waitFor('the rollback counted', async () => (await w.metric('helios_deployment_rollbacks_total', { deployment: 'web', reason: 'ReplicasFailing' })) === 1);
    await w.settle('web', w.rolledOut('v1', 2), 'back on v1');
  });

  it('does not progress while paused, and resumes', async () => {
    const w = await world();
    await w.create('web', { replicas: 3 });
    await w.settle('web', w.rolledOut('v1', 3), 'v1 rolled out');
    await w.edit('web', () => ({ paused: true }));
    const paused = await w.edit('web', () => ({ template: template('v2') }));
    const seen = await waitFor('the paused edit observed', async () => {
      const d = await w.get('web');
      return d?.status?.observedGeneration === metaOf(paused).generation ? d : undefined;
    });
    expect(seen.status?.revision).toBe(1);
    expect(findCondition(seen.status?.conditions, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    expect((await w.replicas('web')).map(versionOf)).toEqual(['v1', 'v1', 'v1']);

    await w.edit('web', () => ({ paused: false }));
    await w.settle('web', w.rolledOut('v2', 3), 'v2 rolled out after resume');
  });

  it('undoes to a named revision from the history', async () => {
    const w = await world();
    await w.create('web', { replicas: 2 });
    await w.settle('web', w.rolledOut('v1', 2), 'v1');
    await w.edit('web', () => ({ template: template('v2') }));
    await w.settle('web', w.rolledOut('v2', 2), 'v2');
    await w.edit('web', () => ({ template: template('v3') }));
    await w.settle('web', w.rolledOut('v3', 2), 'v3');
    await w.store.mutate('deployment', 'web', undefined, (d) => {
      const outcome = applyRolloutAction(d, RolloutAction.ROLLOUT_ACTION_UNDO, 1, new Date().toISOString());
      if (!('next' in outcome) || !outcome.next) throw new Error('undo refused');
      return outcome.next;
    });
    const undone = await w.settle('web', w.rolledOut('v1', 2), 'back on v1');
    expect([undone.status?.revision, undone.status?.history.map((h) => h.revision)]).toEqual([4, [2, 3, 4]]);
    expect((await w.replicas('web')).map((r) => r.spec?.revision)).toEqual([4, 4]);
  });

  it('replaces replicas lost with their node', async () => {
    const w = await world();
    await w.create('web', { replicas: 3 });
    await w.settle('web', w.rolledOut('v1', 3), 'v1 rolled out');
    const [a, b] = await w.replicas('web');
    for (const r of [a!, b!]) {
      await w.store.mutate('replica', metaOf(r).name, 'web', (x) => ({ ...x, status: { ...x.status!, phase: P.REPLICA_PHASE_FAILED, reason: 'NodeLost' } }));
    }
    const replaced = await w.settle('web', (d, rs) => w.rolledOut('v1', 3)(d, rs) && !rs.some((r) => [metaOf(a!).name, metaOf(b!).name].includes(metaOf(r).name)), 'replacements');
    expect(replaced.status?.availableReplicas).toBe(3);
  });

  it('retires the replicas of a deleted deployment', async () => {
    const w = await world();
    await w.create('web', { replicas: 3 });
    await w.settle('web', w.rolledOut('v1', 3), 'v1 rolled out');
    await w.store.delete('deployment', 'web');
    await waitFor('every replica retiring', async () => (await w.live('web')).length === 0);
    await waitFor('the replicas gone', async () => {
      await w.agents('web');
      return (await w.replicas('web')).length === 0;
    });
  });
});
