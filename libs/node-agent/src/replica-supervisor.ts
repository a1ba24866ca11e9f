import { ReplicaPhase, ReplicaTemplate, metaOf, type Replica } from '@helios/api';
import type { Logger } from '@helios/config';
import { ControllerRunner } from '@helios/controller-runtime';
import { isRetired, REPLICA_REASONS } from '@helios/replica-lifecycle';
import type { ReplicaRun, ReplicaRuntime, StopOptions } from '@helios/replica-runtime';
import { isNotFound, type ResourceStore } from '@helios/store';
import type { NodeAgentSettings } from './node-agent-settings';
import type { ReplicaBindings } from './replica-bindings';
import { isBoundTo, replicaStatusFor, sameStatus } from './replica-status';

/**
 * Who the supervisor runs replicas for (`address` is the host part of every endpoint it reports),
 * and how it stops them: the node agent's settings, defaults applied.
 */
export interface ReplicaSupervisorOptions extends Pick<NodeAgentSettings, 'address' | 'drainSeconds' | 'terminationGraceSeconds' | 'shutdownGraceSeconds'> {
  cell: string;
  node: string;
}

/** What a supervisor talks to. */
export interface ReplicaSupervisorDeps {
  store: ResourceStore;
  bindings: ReplicaBindings;
  runtime: ReplicaRuntime;
  logger: Logger;
}

/** One replica this node runs (or is stopping). */
interface RunRecord {
  run: ReplicaRun;
  /** The uid of the Replica it runs: the same name created again is another replica. */
  uid: string;
  /** Set once the stop began: retirement, or the replica no longer being ours. */
  ending?: Promise<void>;
  ended: boolean;
  unsubscribe: () => void;
}

/**
 * Runs the replicas bound to one node through a ReplicaRuntime and reports them in their
 * status: STARTING -> READY with the endpoint and readyTime, back to STARTING with reason Crashed
 * after a crash (restarted, counted in restarts). Level-triggered: each replica key is reconciled from the informer's
 * current state, on every change of the replica and of its run.
 *
 * The retirement protocol (race-free by construction):
 * 1. The deployment controller (or the Delete RPC, or the cell agent) retires a replica by
 *    setting metadata.deletionTime, and phase TERMINATING, in one compare-and-swap write
 *    (`retired`). A replica is in the endpoint set iff phase == READY and deletionTime is unset
 *    (`inEndpointSet`), so that single write unpublishes it: routers stop sending before anything
 *    else happens.
 * 2. The node agent sees it, writes TERMINATING if the retirer did not, and stops the process
 *    in order: drainSeconds (the deployment's strategy, else the agent's default) while it
 *    still serves what routers had in flight, SIGTERM, SIGKILL after terminationGraceSeconds.
 * 3. Then it deletes the Replica, compare-and-swap on its resourceVersion, and only if it is
 *    still the same retiring replica bound here.
 * Every status write of the agent is a mutate whose function returns nothing to write once the
 * replica has a deletionTime, is bound elsewhere or has another uid: a probe turning READY at
 * the same moment as the retirement loses the compare-and-swap, re-reads, sees the deletion
 * and writes nothing. So READY is never written over a retirement, and a replica is published
 * only after its probe passed and unpublished before it is stopped.
 *
 * Controllers never hard-delete a replica that is bound and running; they set deletionTime.
 * (A replica on a dead node may be deleted outright: its agent is presumed gone.)
 *
 * Self-fencing: the agent stops at once (no drain: the replica is no longer published as
 * this node's) and never restarts any process whose replica is no longer bound to it -
 * deleted, bound to another node, or replaced by another uid. After a partition that cost
 * the node its lease, the watch resumes (or re-lists) and that is what the agent sees.
 */
export class ReplicaSupervisor {
  private readonly runs = new Map<string, RunRecord>();
  private readonly log: Logger;
  private runner: ControllerRunner | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: ReplicaSupervisorDeps,
    private readonly options: ReplicaSupervisorOptions,
  ) {
    this.log = deps.logger;
  }

  /** Replicas with a run on this node (running, or being stopped). */
  get size(): number {
    return this.runs.size;
  }

  /** Starts following the replicas bound to this node; resolves once the bindings are listed. */
  async start(): Promise<void> {
    const { bindings } = this.deps;
    const { cell, node } = this.options;
    await bindings.start();
    const runner = new ControllerRunner({ name: 'replica-supervisor', reconcile: (key) => this.reconcile(key), workers: 2, logger: this.log });
    this.runner = runner;
    this.unsubscribe = runner.watch({ on: (listener: (key: string) => void) => bindings.subscribe(cell, node, listener) }, (key) => key);
    for (const key of bindings.boundTo(cell, node)) runner.enqueue(key);
    this.abort = new AbortController();
    this.running = runner.run(this.abort.signal);
  }

  /**
   * Stops reconciling, then every replica still running here (no drain, shutdownGraceSeconds of
   * grace; a retirement in progress is hurried the same way), and writes nothing more: the node
   * is going away, and its lease with it.
   */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.abort?.abort();
    await this.running;
    const grace = { drainMs: 0, graceMs: 1000 * this.options.shutdownGraceSeconds };
    await Promise.all([...this.runs.values()].map((record) => record.run.stop(grace).catch(() => undefined)));
    for (const record of this.runs.values()) record.unsubscribe();
    this.runs.clear();
  }

  /** Brings one replica key to its desired state; see the class comment for the protocol. */
  async reconcile(key: string): Promise<void> {
    let record = this.runs.get(key);
    if (record?.ended) {
      this.runs.delete(key);
      record = undefined;
    }
    // A stop in progress re-queues the key when it ends.
    if (record?.ending) return;
    const replica = this.deps.bindings.get(key);
    const mine = isBoundTo(replica, this.options.cell, this.options.node);
    if (record && (!mine || metaOf(replica).uid !== record.uid)) {
      this.log.info({ key, reason: replica ? 'bound elsewhere or replaced' : 'deleted' }, 'replica no longer bound here; stopping it');
      this.end(key, record, { drainMs: 0, graceMs: this.defaultGraceMs() });
      return;
    }
    if (!mine) return;
    if (isRetired(replica)) return this.retire(key, replica, record);
    record ??= this.launch(key, replica);
    await this.writeStatus(replica, record);
  }

  private launch(key: string, replica: Replica): RunRecord {
    const meta = metaOf(replica);
    const spec = replica.spec!;
    const run = this.deps.runtime.start({
      deployment: spec.deployment,
      replica: meta.name,
      uid: meta.uid,
      revision: spec.revision,
      template: spec.template ?? ReplicaTemplate.fromPartial({}),
      gpuIndices: spec.gpuIndices,
      restarts: replica.status?.restarts ?? 0,
    });
    const record: RunRecord = { run, uid: meta.uid, ended: false, unsubscribe: run.onChange(() => this.runner?.enqueue(key)) };
    this.runs.set(key, record);
    this.log.info({ key, revision: spec.revision, gpus: spec.gpuIndices }, 'starting replica');
    return record;
  }

  private async retire(key: string, replica: Replica, record: RunRecord | undefined): Promise<void> {
    if (!record) {
      await this.finishDeletion(replica);
      return;
    }
    if (replica.status?.phase !== ReplicaPhase.REPLICA_PHASE_TERMINATING) await this.markTerminating(replica, record.uid);
    const timing = await this.stopTiming(replica);
    this.log.info({ key, drainMs: timing.drainMs, graceMs: timing.graceMs }, 'retiring replica: draining, then SIGTERM');
    this.end(key, record, timing);
  }

  /** Starts the ordered stop of a run; when it is over the key is reconciled again. */
  private end(key: string, record: RunRecord, timing: StopOptions): void {
    record.ending = record.run
      .stop(timing)
      .then((result) => this.log.info({ key, ...result }, 'replica process stopped'))
      .catch((err: unknown) => this.log.error({ err, key }, 'stopping the replica failed'))
      .finally(() => {
        record.ended = true;
        record.unsubscribe();
        this.runner?.enqueue(key);
      });
  }

  /** The retired replica's process is gone: delete it, if it is still that replica, retiring, here. */
  private async finishDeletion(replica: Replica): Promise<void> {
    const { name, uid } = metaOf(replica);
    const deployment = replica.spec?.deployment ?? '';
    const current = await this.deps.store.get('replica', name, deployment);
    if (!isBoundTo(current, this.options.cell, this.options.node) || metaOf(current).uid !== uid || !isRetired(current)) return;
    try {
      // A conflict (someone wrote in between) throws and the queue retries with a fresh read.
      await this.deps.store.delete('replica', name, deployment, { resourceVersion: metaOf(current).resourceVersion });
      this.log.info({ deployment, replica: name }, 'retired replica deleted');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async markTerminating(replica: Replica, uid: string): Promise<void> {
    const { name } = metaOf(replica);
    try {
      await this.deps.store.mutate('replica', name, replica.spec?.deployment, (current) => {
        if (!this.stillOurs(current, uid) || current.status?.phase === ReplicaPhase.REPLICA_PHASE_TERMINATING) return undefined;
        current.status = { ...current.status!, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, reason: REPLICA_REASONS.retired, message: 'draining, then SIGTERM', readyTime: undefined };
        return current;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Writes the run's state into the Replica's status, unless the replica was retired or moved meanwhile. */
  private async writeStatus(replica: Replica, record: RunRecord): Promise<void> {
    const now = new Date().toISOString();
    const state = record.run.state;
    // The cache usually says nothing changed; only then is etcd not asked.
    if (sameStatus(replica.status, replicaStatusFor(state, replica.status, this.options.address, now))) return;
    try {
      await this.deps.store.mutate('replica', metaOf(replica).name, replica.spec?.deployment, (current) => {
        // Retirement wins: never publish (or touch) a replica that has a deletionTime.
        if (!this.stillOurs(current, record.uid) || isRetired(current)) return undefined;
        const next = replicaStatusFor(record.run.state, current.status, this.options.address, now);
        if (sameStatus(current.status, next)) return undefined;
        current.status = next;
        return current;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private stillOurs(current: Replica, uid: string): boolean {
    return isBoundTo(current, this.options.cell, this.options.node) && metaOf(current).uid === uid;
  }

  /** Drain and grace of a retirement: the deployment's strategy, else the agent's defaults. */
  private async stopTiming(replica: Replica): Promise<StopOptions> {
    let strategy;
    try {
      strategy = (await this.deps.store.get('deployment', replica.spec?.deployment ?? ''))?.spec?.strategy;
    } catch (err) {
      // The deployment may be gone (deleted with its replicas) or etcd briefly away: defaults.
      this.log.warn({ err, deployment: replica.spec?.deployment }, 'cannot read the deployment strategy; using the default drain and grace');
    }
    return {
      drainMs: 1000 * (strategy?.drainSeconds || this.options.drainSeconds),
      graceMs: 1000 * (strategy?.terminationGraceSeconds || this.options.terminationGraceSeconds),
    };
  }

  private defaultGraceMs(): number {
    return 1000 * this.options.terminationGraceSeconds;
  }
}
