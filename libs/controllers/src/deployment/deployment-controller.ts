import { randomUUID } from 'node:crypto';
import { canonicalJson, Deployment, metaOf, type DeploymentStatus, type Replica } from '@helios/api';
import { systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { isBound, isLost, isRetiring, REPLICA_REASONS, retired } from '@helios/replica-lifecycle';
import { planRollout, replicaTemplateHash, resolveRevision, splitOrphans, type RolloutPlan } from '@helios/rollout';
import { BY_DEPLOYMENT, BY_NODE, isAlreadyExists, isConflict, isNotFound, type Informer, type ResourceStore, type WriteOptions } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { DeploymentMetrics } from './deployment-metrics';
import { newReplica } from './new-replica';
import { replicaName } from './replica-name';

/** Options of the deployment controller, for tests. */
export interface DeploymentControllerOptions {
  /** Source of replica name suffixes. */
  random?: () => number;
  /** Keys reconciled in parallel (never one key twice at once). Default 4. */
  workers?: number;
}

// Every deployment is looked at this often even when nothing changes, as a guard against a missed event.
const RESYNC_MS = 5 * 60_000;

/**
 * Keeps spec.replicas Replicas of every Deployment and rolls them to a new template without
 * dropping capacity (docs/architecture.md, section 5, rollout). Each reconcile of a deployment, from
 * the informer caches of deployments and replicas:
 * 1. collects orphans (replicas of a deleted or re-created deployment);
 * 2. records the template's revision in status.history (resolveRevision) and stops there, so a
 *    revision number is durable before any replica carries it;
 * 3. plans the step (planRollout): an automatic rollback, if due, is written alone (spec.template
 *    back to the stable revision's, generation + 1, condition RolledBack, metric); otherwise it
 *    deletes lost replicas, retires (bound) or deletes (unbound) the chosen ones, creates new
 *    Pending ones, relabels renumbered ones, and writes the status.
 * A reconcile's writes are followed (read-your-writes): the deployment is not decided on again
 * until the caches show them, so a reconcile woken by the first of three creations does not see
 * one where there are three. Retiring a bound replica writes `retired` (metadata.deletionTime,
 * phase Terminating, and why) in one compare-and-swap, which takes it out of the endpoint set at
 * once; its node agent drains it, stops it and deletes it. Only replicas no agent holds (unbound, or on a lost node)
 * are deleted here. Every write is fenced by leadership; a compare-and-swap lost to another
 * writer is left to the watch event it caused, which brings the deployment back.
 */
export class DeploymentController implements ManagedController {
  readonly name = 'deployment';
  readonly workers: number;
  private readonly clock: Clock;
  private readonly metrics: DeploymentMetrics;
  private readonly random: () => number;
  private deployments: Informer<'deployment'> | undefined;
  private replicas: Informer<'replica'> | undefined;

  constructor(
    private readonly deps: ControllerDeps,
    options: DeploymentControllerOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.metrics = new DeploymentMetrics(deps.metrics.registry);
    this.random = options.random ?? Math.random;
    this.workers = options.workers ?? 4;
  }

  setup(term: ControllerTerm): void {
    const { keys } = this.deps;
    const deployments = term.informers.informer('deployment');
    const replicas = term.informers.informer('replica');
    term.watch(deployments, (event) => metaOf(event.object).name);
    term.watch(replicas, (event) => event.object.spec?.deployment || keys.parse('replica', event.key)?.parent);
    // Each deployment, and each deployment left with only orphans, gets a first reconcile.
    term.resync(() => new Set([...deployments.list().map((d) => metaOf(d).name), ...replicas.indexValues(BY_DEPLOYMENT)]), RESYNC_MS);
    this.deployments = deployments;
    this.replicas = replicas;
    term.onStop(() => {
      this.deployments = undefined;
      this.replicas = undefined;
    });
  }

  async reconcile(name: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const deployments = this.deployments;
    const replicaCache = this.replicas;
    if (!deployments || !replicaCache) return;
    const now = this.clock.now();
    const writes: WriteOptions = { fence: this.deps.fence(), onWritten: ctx.wrote };

    const deployment = deployments.get(name);
    const { owned, orphans } = splitOrphans(deployment, replicaCache.byIndex(BY_DEPLOYMENT, name));
    await this.collect(name, orphans, now, writes);
    if (!deployment) return;

    const revised = resolveRevision(deployment, new Date(now).toISOString());
    if (revised) {
      await this.writeStatus(deployment, revised, writes);
      if (revised.revision !== deployment.status?.revision) {
        this.deps.logger.info({ controller: this.name, deployment: name, revision: revised.revision }, 'new revision of the deployment');
      }
      return;
    }

    const plan = planRollout({ deployment, replicas: owned, fleet: nodeMates(replicaCache, owned), now });
    if (plan.rollback) return this.rollBack(deployment, plan, writes);
    await this.apply(deployment, plan, now, writes);
    if (!sameStatus(deployment.status, plan.status)) await this.writeStatus(deployment, plan.status, writes);
    return plan.requeueAfterMs !== undefined ? { requeueAfter: plan.requeueAfterMs } : undefined;
  }

  /**
   * Carries out a plan's replica writes: retirements and deletions first, then creations, so no
   * state etcd passes through has more live replicas than the plan allows. A retirement lost to
   * another writer (the replica changed meanwhile) cancels this step's creations, which counted
   * on its room; the change's own event brings the deployment back.
   */
  private async apply(deployment: Deployment, plan: RolloutPlan, now: number, opts: WriteOptions): Promise<void> {
    const name = metaOf(deployment).name;
    const nowIso = new Date(now).toISOString();
    const retirements = plan.retire.map((r) => {
      // A replica of the revision being rolled out goes because the deployment wants fewer.
      const why = replicaTemplateHash(r) === plan.create.templateHash ? stepReason.scaledDown(name) : stepReason.superseded(name, plan.create.revision);
      return this.retire(name, r, nowIso, why, opts);
    });
    const departures = await settle([...plan.remove.map((r) => this.remove(name, r, opts)), ...retirements], `retiring replicas of deployment ${name}`);
    const room = departures.every((done) => done);
    const writes: Promise<boolean>[] = plan.relabel.map((r) => this.updateReplica(name, { ...r, spec: { ...r.spec!, revision: plan.create.revision } }, opts, 'relabel'));
    const creations = room ? plan.create.count : 0;
    const created = Array.from({ length: creations }, () =>
      newReplica(deployment, plan.create, { name: replicaName(name, plan.create.revision, this.random), uid: randomUUID(), now: nowIso }),
    );
    if (created.length > 0) writes.push(this.createAll(name, created, opts));
    await settle(writes, `creating replicas of deployment ${name}`);
    if (creations > 0 || plan.retire.length > 0 || plan.remove.length > 0) {
      this.deps.logger.info(
        {
          controller: this.name,
          deployment: name,
          revision: plan.create.revision,
          created: creations,
          retired: plan.retire.map((r) => metaOf(r).name),
          deleted: plan.remove.map((r) => metaOf(r).name),
          updated: plan.status.updatedReplicas,
          available: plan.status.availableReplicas,
        },
        'rollout step',
      );
    }
  }

  /** Retires orphans: bound ones by deletionTime (their agents finish them), the rest by deletion. */
  private async collect(name: string, orphans: readonly Replica[], now: number, opts: WriteOptions): Promise<void> {
    const nowIso = new Date(now).toISOString();
    const writes = orphans.flatMap((r) => {
      if (isLost(r)) return [this.remove(name, r, opts)];
      if (isRetiring(r)) return [];
      return [isBound(r) ? this.retire(name, r, nowIso, stepReason.orphaned(name), opts) : this.remove(name, r, opts)];
    });
    await settle(writes, `collecting the orphaned replicas of deployment ${name}`);
  }

  /** Puts the stable revision's template back, with the status that says why; counts it. */
  private async rollBack(deployment: Deployment, plan: RolloutPlan, opts: WriteOptions): Promise<void> {
    const rollback = plan.rollback!;
    const name = metaOf(deployment).name;
    const meta = metaOf(deployment);
    const next = Deployment.fromPartial({
      ...deployment,
      metadata: { ...meta, generation: meta.generation + 1 },
      spec: { ...deployment.spec, template: rollback.template },
      status: plan.status,
    });
    try {
      await this.deps.store.update('deployment', next, opts);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return;
      throw new Error(`rolling deployment ${name} back to revision ${rollback.toRevision}`, { cause: err });
    }
    this.metrics.rollbacks.inc({ deployment: name, reason: rollback.reason });
    this.deps.logger.warn({ controller: this.name, deployment: name, from: rollback.fromRevision, to: rollback.toRevision, reason: rollback.reason }, rollback.message);
  }

  private async writeStatus(deployment: Deployment, status: DeploymentStatus, opts: WriteOptions): Promise<void> {
    const name = metaOf(deployment).name;
    try {
      await this.deps.store.update('deployment', { ...deployment, status }, opts);
    } catch (err) {
      // Someone changed the deployment since the cache saw it: its event brings us back.
      if (isConflict(err) || isNotFound(err)) return;
      throw new Error(`writing the status of deployment ${name}`, { cause: err });
    }
  }

  /** Creates replicas in batches (one etcd transaction per 100, not one round trip each). */
  private async createAll(deployment: string, replicas: readonly Replica[], opts: WriteOptions): Promise<boolean> {
    let results: Awaited<ReturnType<ResourceStore['createEach']>>;
    try {
      results = await this.deps.store.createEach('replica', replicas, opts);
    } catch (err) {
      throw new Error(`creating ${replicas.length} replicas of deployment ${deployment} (${metaOf(replicas[0]!).name} ...)`, { cause: err });
    }
    // A name taken by chance (5 random characters) is refused alone: the next reconcile creates another.
    const made = results.filter((result) => !isAlreadyExists(result)).length;
    if (made > 0) this.metrics.replicaWrites.inc({ deployment, action: 'create' }, made);
    return true;
  }

  /** Writes the replica `retired` in one compare-and-swap: out of the endpoint set at once. */
  private retire(deployment: string, replica: Replica, now: string, why: { reason: string; message: string }, opts: WriteOptions): Promise<boolean> {
    return this.updateReplica(deployment, retired(replica, now, why.reason, why.message), opts, 'retire');
  }

  private async updateReplica(deployment: string, replica: Replica, opts: WriteOptions, action: 'retire' | 'relabel'): Promise<boolean> {
    try {
      await this.deps.store.update('replica', replica, opts);
      this.metrics.replicaWrites.inc({ deployment, action });
      return true;
    } catch (err) {
      // Gone already counts as done; changed meanwhile does not.
      if (isNotFound(err)) return true;
      if (isConflict(err)) return false;
      throw new Error(`${action === 'retire' ? 'retiring' : 'relabelling'} replica ${metaOf(replica).name} of deployment ${deployment}`, { cause: err });
    }
  }

  /** Deletes a replica no node agent will finish, at the version we decided on (CAS). */
  private async remove(deployment: string, replica: Replica, opts: WriteOptions): Promise<boolean> {
    const name = metaOf(replica).name;
    try {
      await this.deps.store.delete('replica', name, deployment, { ...opts, resourceVersion: metaOf(replica).resourceVersion });
      this.metrics.replicaWrites.inc({ deployment, action: 'delete' });
      return true;
    } catch (err) {
      // Already gone is done; bound meanwhile (conflict) is not: look again from its event.
      if (isNotFound(err)) return true;
      if (isConflict(err)) return false;
      throw new Error(`deleting replica ${name} of deployment ${deployment}`, { cause: err });
    }
  }
}

/** Why the deployment controller retires a replica: its status.reason and message. */
const stepReason = {
  superseded: (deployment: string, revision: number) => ({ reason: REPLICA_REASONS.superseded, message: `replaced by revision ${revision} of deployment ${deployment}` }),
  scaledDown: (deployment: string) => ({ reason: REPLICA_REASONS.scaledDown, message: `deployment ${deployment} wants fewer replicas` }),
  orphaned: (deployment: string) => ({ reason: REPLICA_REASONS.orphaned, message: `deployment ${deployment} is gone or was created again` }),
};

/**
 * The replicas on the nodes `replicas` are bound to (theirs included): all a rollout needs of
 * the fleet, to see how full those nodes are when it chooses whom to retire, without copying the
 * whole fleet every reconcile.
 */
function nodeMates(cache: Informer<'replica'>, replicas: readonly Replica[]): Replica[] {
  const nodes = new Set<string>();
  for (const replica of replicas) if (isBound(replica) && replica.spec?.cell) nodes.add(`${replica.spec.cell}/${replica.spec.node}`);
  const mates = new Set<Replica>(replicas);
  for (const node of nodes) for (const mate of cache.byIndex(BY_NODE, node)) mates.add(mate);
  return [...mates];
}

/** True when writing `next` would change nothing in the stored status. */
function sameStatus(current: DeploymentStatus | undefined, next: DeploymentStatus): boolean {
  return current !== undefined && canonicalJson(current) === canonicalJson(next);
}

/**
 * Waits for every write and returns whether each took effect; throws the first failure, after
 * all have settled so none is cut off halfway.
 */
async function settle(writes: Promise<boolean>[], what: string): Promise<boolean[]> {
  const results = await Promise.allSettled(writes);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw new Error(what, { cause: failure.reason });
  return results.map((r) => r.status === 'fulfilled' && r.value);
}
