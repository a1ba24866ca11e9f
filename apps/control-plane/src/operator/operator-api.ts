import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  KINDS,
  metaOf,
  parentOf,
  unwrap,
  wrap,
  type AnyResource,
  type ApplyRequest,
  type ApplyResponse,
  type DeleteRequest,
  type DeleteResponse,
  type GetRequest,
  type ListRequest,
  type ListResponse,
  type Replica,
  type Resource,
} from '@helios/api';
import { ApiError, matchesSelector } from '@helios/api-server';
import type { Logger } from '@helios/config';
import { replicaDeletion } from '@helios/replica-lifecycle';
import { ConflictError, isAlreadyExists, isConflict, isNotFound, type Keys, type ResourceStore } from '@helios/store';
import { planApply, validateResource, validateUpdate } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';
import { KEYS, LOGGER, RESOURCE_STORE } from '../tokens';
import { collectionTarget, describeTarget, invalid, objectTarget, rejectIfInvalid, type Target } from './request-target';

// An Apply without a resourceVersion retries when it loses a race with another writer; this many
// losses in a row means a hot object, reported as ABORTED rather than spun on.
const APPLY_ATTEMPTS = 5;

/**
 * The OperatorService: validates every request, then reads and writes through the ResourceStore.
 * Invalid requests fail with INVALID_ARGUMENT naming the field paths and write nothing; stale
 * resourceVersions fail with ABORTED.
 */
@Injectable()
export class OperatorApi {
  constructor(
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(KEYS) private readonly keys: Keys,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the resource, or updates its spec and labels (see planApply); dry runs write nothing. */
  async apply(request: ApplyRequest): Promise<ApplyResponse> {
    const unwrapped = unwrap(request.resource);
    if (!unwrapped) throw invalid('resource: one resource of a known kind is required (cell, nodePool, node, deployment or replica)');
    const kind = unwrapped.name;
    const display = KINDS[kind].display;
    // Status is its owner's to write: whatever the request carries is dropped before anything else.
    const requested = { ...unwrapped.resource, status: undefined } as AnyResource;
    const name = metaOf(requested).name;
    rejectIfInvalid(display, name, validateResource(kind, requested));
    const parent = parentOf(kind, requested) || undefined;
    const subject = describeTarget(display, name, kind, parent ?? '');

    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.get(kind, name, parent);
      const plan = planApply(kind, requested, stored, { uid: randomUUID(), now: new Date().toISOString() });
      switch (plan.action) {
        case 'gone':
          throw new ApiError(status.NOT_FOUND, `${subject} not found, yet the request names resourceVersion ${plan.requested}: it was deleted`);
        case 'stale':
          throw new ApiError(status.ABORTED, `${subject}: resourceVersion ${plan.requested} is stale (stored: ${plan.stored}); read it again and retry`);
        case 'unchanged':
          return { resource: wrap(kind, plan.object), result: 'unchanged' };
      }
      const errors = [...(stored ? validateUpdate(kind, stored, plan.object) : []), ...validateResource(kind, plan.object)];
      rejectIfInvalid(display, name, errors);
      const result = plan.action === 'create' ? 'created' : 'configured';
      if (request.dryRun) return { resource: wrap(kind, plan.object), result };
      try {
        const written = plan.action === 'create' ? await this.store.create(kind, plan.object) : await this.store.update(kind, plan.object);
        this.logger.info({ kind, name, parent, result, resourceVersion: metaOf(written).resourceVersion }, `${display} ${result}`);
        return { resource: wrap(kind, written), result };
      } catch (err) {
        const raced = isConflict(err) || isAlreadyExists(err) || isNotFound(err);
        if (!raced) throw err;
        if (metaOf(requested).resourceVersion !== 0) {
          throw new ApiError(status.ABORTED, `${subject}: resourceVersion ${metaOf(requested).resourceVersion} is stale (changed concurrently); read it again and retry`, { cause: err });
        }
        if (attempt >= APPLY_ATTEMPTS) throw new ApiError(status.ABORTED, `${subject}: changed concurrently ${attempt} times in a row; retry`, { cause: err });
      }
    }
  }

  /** Reads one resource; with an empty parent, finds it by name among all parents. */
  async get(request: GetRequest): Promise<Resource> {
    const target = objectTarget(request.kind, request.name, request.parent);
    return wrap(target.kind, await this.locate(target));
  }

  /** Lists a kind, optionally under one parent and filtered by a label selector. */
  async list(request: ListRequest): Promise<ListResponse> {
    const target = collectionTarget(request.kind, request.parent, request.labelSelector);
    const { items, revision } = await this.store.list(target.kind, target.parent || undefined);
    return {
      items: items.filter((item) => matchesSelector(metaOf(item).labels, request.labelSelector)).map((item) => wrap(target.kind, item)),
      resourceVersion: revision,
    };
  }

  /**
   * Deletes one resource, only at the given resourceVersion when one is given. A replica that a
   * node agent runs is retired instead (see replicaDeletion): the answer carries it with its
   * deletionTime set, and its agent deletes it once drained and stopped.
   */
  async delete(request: DeleteRequest): Promise<DeleteResponse> {
    const target = objectTarget(request.kind, request.name, request.parent);
    const found = await this.locate(target);
    const parent = parentOf(target.kind, found);
    const subject = describeTarget(target.info.display, target.name, target.kind, parent);
    try {
      if (target.kind === 'replica') {
        const retired = await this.retireReplica(found as Replica, request.resourceVersion);
        if (retired) return { resource: wrap('replica', retired) };
      }
      const deleted = await this.store.delete(target.kind, target.name, parent || undefined, { resourceVersion: request.resourceVersion });
      this.logger.info({ kind: target.kind, name: target.name, parent }, `${target.info.display} deleted`);
      return { resource: wrap(target.kind, deleted) };
    } catch (err) {
      if (isNotFound(err)) throw new ApiError(status.NOT_FOUND, `${subject} not found`, { cause: err });
      if (isConflict(err)) {
        throw new ApiError(status.ABORTED, `${subject}: resourceVersion ${request.resourceVersion} is stale (stored: ${metaOf(found).resourceVersion}); read it again and retry`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * Retires a replica its node agent runs (deletionTime and Terminating, compare-and-swap at the
   * requested or the read resourceVersion); undefined when it must be deleted outright.
   */
  private async retireReplica(replica: Replica, requestedVersion: number): Promise<Replica | undefined> {
    const name = metaOf(replica).name;
    const deployment = replica.spec?.deployment ?? '';
    const now = new Date().toISOString();
    let retired: Replica;
    if (requestedVersion !== 0) {
      // The caller pinned a version: one compare-and-swap at it, ABORTED when stale.
      if (requestedVersion !== metaOf(replica).resourceVersion) throw new ConflictError(this.keys.resource('replica', name, deployment), 'stale resourceVersion');
      const decision = replicaDeletion(replica, now);
      if (decision.action !== 'retire') return decision.action === 'delete' ? undefined : replica;
      retired = await this.store.update('replica', decision.next);
    } else {
      // Its agent writes status all the time: decide again on each fresh copy.
      let outright = false;
      retired = await this.store.mutate('replica', name, deployment, (current) => {
        const decision = replicaDeletion(current, now);
        outright = decision.action === 'delete';
        return decision.action === 'retire' ? decision.next : undefined;
      });
      if (outright) return undefined;
    }
    this.logger.info({ kind: 'replica', name, parent: deployment }, 'Replica retiring: its node agent drains and deletes it');
    return retired;
  }

  /** Reads the target; with no parent given for a child kind, finds it by name under every parent. */
  private async locate(target: Target): Promise<AnyResource> {
    if (target.info.parentField && target.parent === '') {
      const { items } = await this.store.list(target.kind);
      const matches = items.filter((item) => metaOf(item).name === target.name);
      if (matches.length === 1) return matches[0]!;
      if (matches.length === 0) throw new ApiError(status.NOT_FOUND, `${target.info.display} ${JSON.stringify(target.name)} not found`);
      const parents = matches.map((item) => parentOf(target.kind, item)).sort();
      throw invalid(
        `${target.info.display} ${JSON.stringify(target.name)} exists in ${parents.length} ${target.info.parentField}s (${parents.join(', ')}): give the parent to choose one`,
      );
    }
    const found = await this.store.get(target.kind, target.name, target.parent || undefined);
    if (!found) throw new ApiError(status.NOT_FOUND, `${describeTarget(target.info.display, target.name, target.kind, target.parent)} not found`);
    return found;
  }
}
