import { randomUUID } from 'node:crypto';
import { status, type ServerWritableStream } from '@grpc/grpc-js';
import {
  EventType,
  KINDS,
  kindInfoOf,
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
  type KindInfo,
  type KindName,
  type ListRequest,
  type ListResponse,
  Resource,
  type Replica,
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';
import type { Logger } from '@helios/config';
import { ConflictError, isAlreadyExists, isConflict, isNotFound, type Keys, type ResourceStore } from '@helios/store';
import { describeErrors, validateLabels, validateName, validateResource, validateUpdate, type FieldError } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';
import { EtcdConnection } from '../etcd-connection';
import type { ControlPlaneConfig } from '../settings';
import { CONFIG, KEYS, LOGGER, RESOURCE_STORE } from '../tokens';
import { ApiError } from './api-error';
import { planApply } from './apply-plan';
import { CacheFreshness } from './cache-freshness';
import { matchesSelector } from './label-selector';
import { replicaDeletion } from './replica-deletion';
import { SendQueue } from './send-queue';
import { startInformer } from './start-informer';
import { changedAfter, filterChange } from './watch-filter';
import { inScope, listScope } from './watch-scope';

// A watch event's bytes besides its resource: the event type, the resourceVersion and the
// resource field's tag and length, at most 2 + 11 + 6 bytes.
const EVENT_FRAMING_BYTES = 19;

// An Apply without a resourceVersion retries when it loses a race with another writer; this many
// losses in a row means a hot object, reported as ABORTED rather than spun on.
const APPLY_ATTEMPTS = 5;

/** Where a request points: a kind, a name and (for pools, nodes and replicas) maybe a parent. */
interface Target {
  kind: KindName;
  info: KindInfo;
  name: string;
  parent: string;
}

/**
 * The OperatorService: validates every request, then reads and writes through the ResourceStore.
 * Invalid requests fail with INVALID_ARGUMENT naming the field paths and write nothing; stale
 * resourceVersions fail with ABORTED.
 */
@Injectable()
export class OperatorApi {
  private readonly watches = new Set<SendQueue<WatchEvent>>();
  private readonly freshness: CacheFreshness;
  /** Encoded size of a watch event by the cached object it carries (see eventBytes). */
  private readonly encodedSizes = new WeakMap<AnyResource, number>();

  constructor(
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(EtcdConnection) private readonly etcd: EtcdConnection,
    @Inject(KEYS) private readonly keys: Keys,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.freshness = new CacheFreshness(etcd.client, keys, logger);
  }

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
    const target = this.target(request.kind, request.name, request.parent);
    return wrap(target.kind, await this.locate(target));
  }

  /** Lists a kind, optionally under one parent and filtered by a label selector. */
  async list(request: ListRequest): Promise<ListResponse> {
    const target = this.collection(request.kind, request.parent, request.labelSelector);
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
    const target = this.target(request.kind, request.name, request.parent);
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

  /**
   * Streams changes of a kind until the client cancels or the server stops, from the process's
   * shared cache (one etcd watch per kind however many streams), once that cache holds every
   * write committed when the stream opened. With send_initial_events the current objects come
   * first as ADDED. With a resource_version (and no initial events), objects changed after it
   * are sent as MODIFIED first, and no change at or before it follows; deletions before the
   * watch began are not replayed. A client that falls behind by more than --watch-buffer-bytes
   * is cut with RESOURCE_EXHAUSTED (see SendQueue).
   */
  async watch(call: ServerWritableStream<WatchRequest, WatchEvent>): Promise<void> {
    const request = call.request;
    const target = this.collection(request.kind, request.parent, request.labelSelector);
    const { kind, parent } = target;
    const selector = request.labelSelector ?? {};
    const what = `watching ${target.info.display}s`;
    const queue = new SendQueue(call, {
      boundBytes: this.config.watchBufferBytes,
      what,
      onCut: (pending) => this.logger.warn({ kind, parent, peer: call.getPeer(), ...pending }, `${what}: client fell behind; stream cut`),
    });
    this.watches.add(queue);
    try {
      const informer = this.etcd.informers.informer(kind);
      await startInformer(informer, what);
      await Promise.race([this.freshness.reach(informer, kind, parent, what), queue.done]);
      if (queue.closed) return;
      const event = (type: EventType, object: AnyResource): WatchEvent => ({ type, resource: wrap(kind, object), resourceVersion: metaOf(object).resourceVersion });
      // Subscribed and listed in one step: every change the list does not hold is an event after it.
      const unsubscribe = informer.on((change) => {
        if (!inScope(kind, parent, change.object) || !changedAfter(change, request.sendInitialEvents ? 0 : request.resourceVersion)) return;
        const shown = filterChange(change, selector);
        if (shown) queue.send(event(shown.type, shown.object), this.eventBytes(kind, shown.object));
      });
      try {
        const initial = listScope(informer, kind, parent).filter((item) => matchesSelector(metaOf(item).labels, selector));
        if (request.sendInitialEvents) queue.sendSnapshot(initial.map((item) => event(EventType.EVENT_TYPE_ADDED, item)));
        else if (request.resourceVersion > 0) {
          queue.sendSnapshot(initial.filter((item) => metaOf(item).resourceVersion > request.resourceVersion).map((item) => event(EventType.EVENT_TYPE_MODIFIED, item)));
        }
        await queue.done;
      } finally {
        unsubscribe();
      }
    } finally {
      this.watches.delete(queue);
    }
  }

  /** Ends every open watch stream cleanly (status OK), so a server shutdown need not wait for clients. */
  endWatches(): void {
    for (const queue of this.watches) queue.end();
  }

  /**
   * The encoded size of a watch event of this object, computed once per object version: every
   * stream of the kind sends the same cached object.
   */
  private eventBytes(kind: KindName, object: AnyResource): number {
    let bytes = this.encodedSizes.get(object);
    if (bytes === undefined) {
      bytes = Resource.encode(wrap(kind, object)).finish().length + EVENT_FRAMING_BYTES;
      this.encodedSizes.set(object, bytes);
    }
    return bytes;
  }

  /** Validates kind, name and parent of a request for one object. */
  private target(kindNumber: number, name: string, parent: string): Target {
    const info = kindOrThrow(kindNumber);
    const errors: FieldError[] = [...validateName('name', name), ...parentErrors(info, parent)];
    rejectIfInvalid(info.display, name, errors);
    return { kind: info.name, info, name, parent };
  }

  /** Validates kind, parent and label selector of a list or watch. */
  private collection(kindNumber: number, parent: string, selector: Record<string, string> | undefined): Target {
    const info = kindOrThrow(kindNumber);
    rejectIfInvalid(info.display, '', [...parentErrors(info, parent), ...validateLabels('labelSelector', selector)]);
    return { kind: info.name, info, name: '', parent };
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

function invalid(message: string): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, message);
}

function rejectIfInvalid(display: string, name: string, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(describeErrors(display, name, errors));
}

function kindOrThrow(kindNumber: number): KindInfo {
  const info = kindInfoOf(kindNumber);
  if (info) return info;
  const known = Object.values(KINDS).map((k) => `${k.display} (${k.kind})`);
  throw invalid(`kind: must be one of ${known.join(', ')}, got ${kindNumber}`);
}

function parentErrors(info: KindInfo, parent: string): FieldError[] {
  if (info.parentField) return validateName('parent', parent, false);
  return parent === '' ? [] : [{ path: 'parent', message: `must be empty: a ${info.display} has no parent, got ${JSON.stringify(parent)}` }];
}

/** `NodePool "gpu-a" in cell "c1"`, or `Cell "c1"`. */
function describeTarget(display: string, name: string, kind: KindName, parent: string): string {
  const field = KINDS[kind].parentField;
  return field && parent ? `${display} ${JSON.stringify(name)} in ${field} ${JSON.stringify(parent)}` : `${display} ${JSON.stringify(name)}`;
}
