import { status } from '@grpc/grpc-js';
import { ApiError } from '@helios/api-server';
import { Deployment, type RolloutRequest, type RolloutResponse, type ScaleRequest, type ScaleResponse } from '@helios/api';
import type { Logger } from '@helios/config';
import { isNotFound, type ResourceStore } from '@helios/store';
import { describeErrors, validateName, validateResource } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, RESOURCE_STORE } from '../tokens';
import { applyRolloutAction } from '@helios/rollout';

/**
 * Scale and Rollout: edits of one deployment's spec, as read-modify-writes (compare-and-swap,
 * retried on a lost race), validated like any Apply.
 */
@Injectable()
export class DeploymentActions {
  constructor(
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Sets spec.replicas; generation + 1 when it changes. An autoscaled deployment's count is the
   * autoscaler's (see planApply): FAILED_PRECONDITION, naming what to change instead.
   */
  async scale(request: ScaleRequest): Promise<ScaleResponse> {
    const deployment = await this.edit(request.deployment, (current) => {
      const autoscaling = current.spec?.autoscaling;
      if (autoscaling) {
        throw new ApiError(
          status.FAILED_PRECONDITION,
          `Deployment ${JSON.stringify(request.deployment)} is autoscaled (${autoscaling.minReplicas}..${autoscaling.maxReplicas} replicas): its replica count is the autoscaler's; change spec.autoscaling, or ask with RequestReplicas`,
        );
      }
      if (current.spec?.replicas === request.replicas) return undefined;
      return Deployment.fromPartial({
        ...current,
        metadata: { ...current.metadata, generation: (current.metadata?.generation ?? 0) + 1 },
        spec: { ...current.spec, replicas: request.replicas },
      });
    });
    this.logger.info({ deployment: request.deployment, replicas: request.replicas }, 'Deployment scaled');
    return { deployment };
  }

  /** Pauses, resumes, restarts or undoes the rollout (see applyRolloutAction). */
  async rollout(request: RolloutRequest): Promise<RolloutResponse> {
    const now = new Date().toISOString();
    const deployment = await this.edit(request.deployment, (current) => {
      const outcome = applyRolloutAction(current, request.action, request.toRevision, now);
      if ('error' in outcome) {
        const code = outcome.code === 'invalid' ? status.INVALID_ARGUMENT : status.FAILED_PRECONDITION;
        throw new ApiError(code, `Deployment ${JSON.stringify(request.deployment)}: ${outcome.error}`);
      }
      return outcome.next;
    });
    this.logger.info({ deployment: request.deployment, action: request.action, toRevision: request.toRevision }, 'Deployment rollout action');
    return { deployment };
  }

  private async edit(name: string, change: (current: Deployment) => Deployment | undefined): Promise<Deployment> {
    const nameErrors = validateName('deployment', name);
    if (nameErrors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('Deployment', name, nameErrors));
    try {
      return await this.store.mutate('deployment', name, undefined, (current) => {
        const next = change(current);
        if (!next) return undefined;
        const errors = validateResource('deployment', next);
        if (errors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('Deployment', name, errors));
        return next;
      });
    } catch (err) {
      if (isNotFound(err)) throw new ApiError(status.NOT_FOUND, `Deployment ${JSON.stringify(name)} not found`, { cause: err });
      throw err;
    }
  }
}
