import { status, type ServerReadableStream } from '@grpc/grpc-js';
import {
  metaOf,
  type LoadReport,
  type ReportLoadRequest,
  type ReportLoadResponse,
  type RequestReplicasRequest,
  type RequestReplicasResponse,
  type StreamLoadRequest,
  type StreamLoadResponse,
} from '@helios/api';
import { recordReplicaRequest } from '@helios/autoscaling';
import type { Logger } from '@helios/config';
import { BY_DEPLOYMENT, isNotFound, LoadReportWriter, type Keys, type ResourceStore } from '@helios/store';
import { describeErrors, LIMITS, validateLoadReport, validateName, type FieldError } from '@helios/validation';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EtcdConnection } from '../etcd-connection';
import { ApiError } from '@helios/api-server';
import type { ControlPlaneConfig } from '../settings';
import { CONFIG, KEYS, LOGGER, RESOURCE_STORE } from '../tokens';

// A reason is for people reading `helios describe`, not a document.
const MAX_REASON_LENGTH = 1024;

/**
 * The load API (docs/architecture.md, autoscaling): ReportLoad and StreamLoad take load reports
 * for the autoscaler, RequestReplicas records a service's own replica count. Every replica of
 * the control plane serves it, from its shared caches of deployments and replicas.
 *
 * A report is checked whole before anything is written: bad fields, an unknown deployment or an
 * unknown replica of it fail with INVALID_ARGUMENT naming the field. A report on a deployment
 * without spec.autoscaling is accepted and not stored (nobody would read it). Stored reports go
 * through one LoadReportWriter per process: coalesced, batched, on short leases.
 */
@Injectable()
export class LoadApi implements OnApplicationShutdown {
  private readonly writer: LoadReportWriter;

  constructor(
    @Inject(EtcdConnection) private readonly etcd: EtcdConnection,
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(KEYS) keys: Keys,
    @Inject(CONFIG) config: ControlPlaneConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.writer = new LoadReportWriter(etcd.client, keys, { ttlSeconds: config.loadReportTtlSeconds });
  }

  async reportLoad(request: ReportLoadRequest): Promise<ReportLoadResponse> {
    await this.accept(request.report);
    return {};
  }

  /** Takes reports until the client half-closes; the first bad one ends the call (those before it stay written). */
  streamLoad(call: ServerReadableStream<StreamLoadRequest, StreamLoadResponse>): Promise<StreamLoadResponse> {
    return new Promise((resolve, reject) => {
      let accepted = 0;
      let failed = false;
      let chain = Promise.resolve();
      call.on('data', (message: StreamLoadRequest) => {
        chain = chain.then(async () => {
          if (failed) return;
          try {
            await this.accept(message.report);
            accepted++;
          } catch (err) {
            failed = true;
            reject(err);
          }
        });
      });
      call.on('end', () => void chain.then(() => !failed && resolve({ accepted })));
      call.on('error', (err) => {
        failed = true;
        reject(err);
      });
    });
  }

  /** Records the request, clamped to min and max, in status.autoscaling.request (see recordReplicaRequest). */
  async requestReplicas(request: RequestReplicasRequest): Promise<RequestReplicasResponse> {
    const name = request.deployment;
    const errors: FieldError[] = [...validateName('deployment', name)];
    if (!Number.isInteger(request.replicas) || request.replicas < 0 || request.replicas > LIMITS.replicas) {
      errors.push({ path: 'replicas', message: `must be an integer in 0..${LIMITS.replicas}, got ${request.replicas}` });
    }
    if (request.reason.length > MAX_REASON_LENGTH) errors.push({ path: 'reason', message: `must be at most ${MAX_REASON_LENGTH} characters, got ${request.reason.length}` });
    if (errors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('RequestReplicas', name, errors));
    let replicas = 0;
    try {
      const deployment = await this.store.mutate('deployment', name, undefined, (current) => {
        const outcome = recordReplicaRequest(current, request.replicas, request.reason, new Date().toISOString());
        if ('error' in outcome) throw new ApiError(status.FAILED_PRECONDITION, `Deployment ${JSON.stringify(name)} ${outcome.error}`);
        replicas = outcome.replicas;
        return outcome.next;
      });
      this.logger.info({ deployment: name, requested: request.replicas, replicas, reason: request.reason }, 'replicas requested');
      return { deployment, replicas };
    } catch (err) {
      if (isNotFound(err)) throw new ApiError(status.NOT_FOUND, `Deployment ${JSON.stringify(name)} not found`, { cause: err });
      throw err;
    }
  }

  onApplicationShutdown(): void {
    this.writer.close();
  }

  private async accept(report: LoadReport | undefined): Promise<void> {
    const fieldErrors = validateLoadReport('report', report);
    if (fieldErrors.length > 0 || !report) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('LoadReport', report?.reporter ?? '', fieldErrors));
    const deployments = this.etcd.informers.informer('deployment');
    const replicas = this.etcd.informers.informer('replica');
    await Promise.all([this.started(deployments), this.started(replicas)]);
    // The cache may trail a deployment created a moment ago: etcd has the last word on absence.
    const deployment = deployments.get(report.deployment) ?? (await this.store.get('deployment', report.deployment));
    if (!deployment) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('LoadReport', report.reporter, [{ path: 'report.deployment', message: `deployment ${JSON.stringify(report.deployment)} not found` }]));
    let known = new Set(replicas.byIndex(BY_DEPLOYMENT, report.deployment).map((r) => metaOf(r).name));
    // A reporter may know a replica before this process's cache does (it learned it from another
    // control-plane replica): etcd has the last word, read only on a miss.
    if (report.replicas.some((load) => !known.has(load.replica))) {
      known = new Set((await this.store.list('replica', report.deployment)).items.map((r) => metaOf(r).name));
    }
    const unknown: FieldError[] = report.replicas.flatMap((load, i) =>
      known.has(load.replica) ? [] : [{ path: `report.replicas[${i}].replica`, message: `replica ${JSON.stringify(load.replica)} of deployment ${JSON.stringify(report.deployment)} not found` }],
    );
    if (unknown.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('LoadReport', report.reporter, unknown));
    if (!deployment.spec?.autoscaling) return;
    await this.writer.write(report);
  }

  private async started(informer: { start(): Promise<void> }): Promise<void> {
    try {
      await informer.start();
    } catch (err) {
      throw new ApiError(status.UNAVAILABLE, `reading the load report's deployment: etcd unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
