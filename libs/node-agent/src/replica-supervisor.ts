import { ReplicaPhase, ReplicaStatusReport, ReplicaTemplate, metaOf, type Replica, type ReplicaStatus } from '@helios/api';
import type { Logger } from '@helios/config';
import { ControllerRunner } from '@helios/controller-runtime';
import type { Assignment, NodeClient } from '@helios/node-client';
import { isRetired, REPLICA_REASONS } from '@helios/replica-lifecycle';
import type { ReplicaRun, ReplicaRuntime, StopOptions } from '@helios/replica-runtime';
import type { NodeAgentSettings } from './node-agent-settings';
import { isBoundTo, replicaStatusFor, sameStatus } from './replica-status';

/**
 * Who the supervisor runs replicas for (`address` is the host part of every endpoint it reports),
 * and how it stops them: the node agent's settings, defaults applied.
 */
export interface ReplicaSupervisorOptions extends Pick<NodeAgentSettings, 'address' | 'drainSeconds' | 'terminationGraceSeconds' | 'shutdownGraceSeconds'> {
  cell: string;
  node: string;
}

/** The part of the node API a supervisor uses: the node's assignments, its status reports, releasing a retired replica. */
export type SupervisedNode = Pick<NodeClient, 'assignments' | 'watchAssignments' | 'reportReplica' | 'releaseReplica'>;

/** What a supervisor talks to. */
export interface ReplicaSupervisorDeps {
  node: SupervisedNode;
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
 * after a crash (restarted, counted in restarts). Level-triggered: each replica key is
 * reconciled from the node's assignments as the node API streams them (WatchAssignments: only
 * this node's replicas), on every change of the replica and of its run.
 *
 * The retirement protocol (race-free by construction):
 * 1. The deployment controller (or the Delete RPC, or the cell agent) retires a replica by
 *    setting metadata.deletionTime, and phase TERMINATING, in one compare-and-swap write
 *    (`retired`). A replica is in the endpoint set iff phase == READY and deletionTime is unset
 *    (`inEndpointSet`), so that single write unpublishes it: routers stop sending before anything
 *    else happens.
 * 2. The node agent sees it, reports TERMINATING if the retirer did not, and stops the process
 *    in order: drainSeconds (the deployment's strategy, sent with the assignment, else the
 *    agent's default) while it still serves what routers had in flight, SIGTERM, SIGKILL after
 *    terminationGraceSeconds.
 * 3. Then it releases the Replica (ReleaseReplica): the control plane deletes it only if it is
 *    still the same retired replica bound here.
 * Status reports carry the replica's uid and are applied by the control plane as
 * compare-and-swap writes of the status alone, so a report about another replica of the same
 * name, or one that lost a race, is skipped; the agent itself never reports anything but
 * TERMINATING for a replica it knows to be retired. So READY is never reported over a
 * retirement, and a replica is published only after its probe passed and unpublished before it
 * is stopped.
 *
 * Controllers never hard-delete a replica that is bound and running; they set deletionTime.
 * (A replica on a dead node may be deleted outright: its agent is presumed gone.)
 *
 * Self-fencing: the agent stops at once (no drain: the replica is no longer published as
 * this node's) and never restarts any process whose replica is no longer bound to it -
 * deleted, bound to another node, or replaced by another uid. After a partition that cost
 * the node its lease, the assignment stream is opened again and re-synced: what is missing
 * from its initial set counts as deleted, and that is what the agent sees.
 */
export class ReplicaSupervisor {
  private readonly runs = new Map<string, RunRecord>();
  /** The status last reported per key since the key's assignment last changed: not reported twice. */
  private readonly reported = new Map<string, { uid: string; status: ReplicaStatus }>();
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

  /** Starts following the replicas bound to this node (the assignment stream opens now). */
  start(): void {
    const { node } = this.deps;
    const runner = new ControllerRunner({ name: 'replica-supervisor', reconcile: (key) => this.reconcile(key), workers: 2, logger: this.log });
    this.runner = runner;
    this.unsubscribe = runner.watch(
      {
        on: (listener: (key: string) => void) =>
          node.watchAssignments((keys) => {
            for (const key of keys) {
              this.reported.delete(key);
              listener(key);
            }
          }),
      },
      (key) => key,
    );
    for (const key of node.assignments.keys()) runner.enqueue(key);
    this.abort = new AbortController();
    this.running = runner.run(this.abort.signal);
  }

  /**
   * Stops reconciling, then every replica still running here (no drain, shutdownGraceSeconds of
   * grace; a retirement in progress is hurried the same way), and reports nothing more: the node
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
    const assignment = this.deps.node.assignments.get(key);
    const replica = assignment?.replica;
    const mine = isBoundTo(replica, this.options.cell, this.options.node);
    if (record && (!mine || metaOf(replica).uid !== record.uid)) {
      this.log.info({ key, reason: replica ? 'bound elsewhere or replaced' : 'deleted' }, 'replica no longer bound here; stopping it');
      this.end(key, record, { drainMs: 0, graceMs: this.defaultGraceMs() });
      return;
    }
    if (!mine) return;
    if (isRetired(replica)) return this.retire(key, assignment!, record);
    record ??= this.launch(key, replica);
    this.reportStatus(key, replica, record);
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

  private async retire(key: string, assignment: Assignment, record: RunRecord | undefined): Promise<void> {
    const replica = assignment.replica;
    if (!record) {
      await this.release(replica);
      return;
    }
    if (replica.status?.phase !== ReplicaPhase.REPLICA_PHASE_TERMINATING) this.markTerminating(key, replica);
    const timing = this.stopTiming(assignment);
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

  /** The retired replica's process is gone: the control plane deletes it, if it is still that replica, retired, here. */
  private async release(replica: Replica): Promise<void> {
    const { name, uid } = metaOf(replica);
    const deployment = replica.spec?.deployment ?? '';
    // A failed call throws and the queue retries it.
    const deleted = await this.deps.node.releaseReplica({ deployment, name, uid });
    if (deleted) this.log.info({ deployment, replica: name }, 'retired replica released (deleted)');
  }

  private markTerminating(key: string, replica: Replica): void {
    const status: ReplicaStatus = { ...replica.status!, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, reason: REPLICA_REASONS.retired, message: 'draining, then SIGTERM', readyTime: undefined };
    this.send(key, replica, status);
  }

  /** Reports the run's state as the Replica's status, unless nothing changed (or it was reported already). */
  private reportStatus(key: string, replica: Replica, record: RunRecord): void {
    const next = replicaStatusFor(record.run.state, replica.status, this.options.address, new Date().toISOString());
    if (sameStatus(replica.status, next)) return;
    const last = this.reported.get(key);
    if (last && last.uid === record.uid && sameStatus(last.status, next)) return;
    this.send(key, replica, next);
  }

  private send(key: string, replica: Replica, status: ReplicaStatus): void {
    const { name, uid } = metaOf(replica);
    this.reported.set(key, { uid, status });
    this.deps.node.reportReplica(ReplicaStatusReport.fromPartial({ deployment: replica.spec?.deployment ?? '', name, uid, status }));
  }

  /** Drain and grace of a retirement: the deployment's strategy as the assignment carries it, else the agent's defaults. */
  private stopTiming(assignment: Assignment): StopOptions {
    return {
      drainMs: 1000 * (assignment.drainSeconds || this.options.drainSeconds),
      graceMs: 1000 * (assignment.terminationGraceSeconds || this.options.terminationGraceSeconds),
    };
  }

  private defaultGraceMs(): number {
    return 1000 * this.options.terminationGraceSeconds;
  }
}
