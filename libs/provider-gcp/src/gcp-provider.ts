import type { protos } from '@google-cloud/compute';
import { ProviderError, checkLaunchRequest, isProviderError, isProviderNotFound, type CloudProvider, type Instance, type LaunchRequest, type PoolTemplate } from '@helios/provider';
import type { ComputeClients } from './compute-clients';
import { instanceId, lastSegment, parseInstanceId, toInstance } from './gce-instance';
import { gceErrorFacts, isAlreadyExists, operationErrorFacts, providerErrorFrom, toProviderError } from './gcp-error';
import { HELIOS_LABEL, isLabelValue } from './gcp-labels';
import { instanceBody, type GcpLaunchSettings } from './instance-body';
import { GCE_LAUNCH_RULES } from './gce-launch-rules';
import { requestIdFor } from './request-id';
import { cloudCall, defaultThrottleRetryPolicy, type ThrottleRetryPolicy } from '@helios/provider';

type Operation = protos.google.cloud.compute.v1.IOperation;

/** What a GcpProvider needs: clients from createComputeClients, the project, launch settings. */
export interface GcpProviderOptions {
  clients: ComputeClients;
  projectId: string;
  launch: GcpLaunchSettings;
  /** Overrides of the throttle retry policy (tests pass `sleep` and `random`). */
  retry?: Partial<ThrottleRetryPolicy>;
  /**
   * zoneOperations.wait calls per operation before giving up. Each returns when the operation is
   * DONE or after about 2 minutes, so the default 15 allows about 30 minutes.
   */
  maxOperationWaits?: number;
  /** aggregatedList page size, at most 500 (the default). */
  pageSize?: number;
  /** Clock for `launchedAt` when an operation has no insertTime. */
  now?: () => Date;
}

// A GCE insert answered 409 or its operation RESOURCE_ALREADY_EXISTS: the name is taken.
const ALREADY_EXISTS = Symbol('already exists');

/**
 * The CloudProvider for Google Compute Engine.
 *
 * Every node is its own instances.insert, named after the node, with a requestId derived from
 * (request token, index), so a repeated launch is recognised by GCE and not performed twice.
 * Inserts go out one after another and the adapter then waits on all their zone operations at
 * once: an HTTP 200 only means GCE accepted the request, the operation says whether the VM was
 * created (a stockout arrives as an operation error). A name that already exists is adopted when
 * its labels say it is the same node of the same cell, which makes a retry under a fresh token
 * safe too. Instance ids are `<zone>/<name>`, because every GCE call needs both.
 */
export class GcpProvider implements CloudProvider {
  readonly name = 'gcp';
  private readonly clients: ComputeClients;
  private readonly project: string;
  private readonly settings: GcpLaunchSettings;
  private readonly retry: ThrottleRetryPolicy;
  private readonly maxOperationWaits: number;
  private readonly pageSize: number;
  private readonly now: () => Date;

  constructor(options: GcpProviderOptions) {
    if (!options.launch.sourceInstanceTemplate && !options.launch.bootImage) {
      throw new Error('GcpProvider needs launch.sourceInstanceTemplate or launch.bootImage: the instance has no boot disk otherwise');
    }
    this.clients = options.clients;
    this.project = options.projectId;
    this.settings = options.launch;
    this.retry = { ...defaultThrottleRetryPolicy(), ...options.retry };
    this.maxOperationWaits = options.maxOperationWaits ?? 15;
    this.pageSize = options.pageSize ?? 500;
    this.now = options.now ?? (() => new Date());
  }

  /** Inserts one instance per node name, then waits for every insert operation; see the class comment. */
  async launch(request: LaunchRequest): Promise<Instance[]> {
    checkLaunchRequest(request, GCE_LAUNCH_RULES);
    const { template, token, nodeNames, count } = request;
    const finishing: Array<Promise<Instance>> = [];
    let insertFailure: unknown;
    for (const [index, node] of nodeNames.entries()) {
      const context = `launching node ${node} (${index + 1} of ${count}) in pool ${template.pool} of cell ${template.cell}`;
      let finished: Promise<Instance>;
      try {
        const accepted = await this.insert(context, template, node, index, token);
        finished = accepted === ALREADY_EXISTS ? this.adopt(context, template, node) : this.finishInsert(context, template, node, token, accepted);
      } catch (err) {
        // Later inserts would most likely fail the same way (stockout, quota); stop asking.
        insertFailure = err;
        break;
      }
      // Observed by allSettled below; this only keeps Node from reporting it unhandled meanwhile.
      finished.catch(() => undefined);
      finishing.push(finished);
    }
    const settled = await Promise.allSettled(finishing);
    const launched = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failures = [...settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])), ...(insertFailure === undefined ? [] : [insertFailure])];
    if (failures.length === 0) return launched;
    throw partialLaunchError(failures[0], launched, count);
  }

  /** Deletes every instance and waits for the deletions; instances already gone are skipped. */
  async terminate(instanceIds: string[]): Promise<void> {
    const targets = instanceIds.map((id) => {
      const parsed = parseInstanceId(id);
      if (!parsed) throw new ProviderError('InvalidConfiguration', `terminating ${id}: not a GCE instance id (<zone>/<name>)`);
      return { id, ...parsed };
    });
    const deleting: Array<Promise<void>> = [];
    const failures: unknown[] = [];
    for (const { id, zone, name } of targets) {
      const context = `terminating instance ${id}`;
      try {
        const op = await this.call(context, async () => latestOperation(await this.clients.instances.delete({ project: this.project, zone, instance: name })));
        const done = this.waitDone(context, zone, op).then((finished) => {
          const facts = operationErrorFacts(finished);
          const err = facts && providerErrorFrom(facts, context, new Error(`operation ${finished.name}`));
          if (err && !isProviderNotFound(err)) throw err;
        });
        done.catch(() => undefined);
        deleting.push(done);
      } catch (err) {
        // Keep deleting the others: each instance left running costs GPU hours.
        if (!isProviderNotFound(err)) failures.push(err);
      }
    }
    for (const s of await Promise.allSettled(deleting)) if (s.status === 'rejected') failures.push(s.reason);
    if (failures.length > 0) throw failures[0];
  }

  /**
   * Lists the cell's (and pool's) instances in every zone of the project with one filtered
   * aggregatedList, following page tokens. A zone reported unreachable fails the whole call:
   * a partial list would make that zone's instances look gone and get relaunched.
   */
  async list(cell: string, pool?: string): Promise<Instance[]> {
    const context = `listing instances of ${pool === undefined ? '' : `pool ${pool} of `}cell ${cell}`;
    for (const value of pool === undefined ? [cell] : [cell, pool]) {
      // Also what keeps the filter expression well-formed: no quotes or spaces can get in.
      if (!isLabelValue(value)) throw new ProviderError('InvalidConfiguration', `${context}: ${JSON.stringify(value)} is not a GCE label value`);
    }
    const filter = [`(labels.${HELIOS_LABEL.cell} = "${cell}")`, ...(pool === undefined ? [] : [`(labels.${HELIOS_LABEL.pool} = "${pool}")`])].join(' ');
    return this.call(context, async () => {
      const instances: Instance[] = [];
      // autoPaginate is meaningless for the async iterator (it pages on demand) and only warns.
      const pages = this.clients.instances.aggregatedListAsync({ project: this.project, filter, maxResults: this.pageSize }, { autoPaginate: false });
      for await (const [scope, scoped] of pages) {
        if (String(scoped.warning?.code) === 'UNREACHABLE') {
          throw new ProviderError('Unknown', `${context}: ${scope} is unreachable (${scoped.warning?.message ?? 'no detail'}); refusing a partial list`);
        }
        for (const gce of scoped.instances ?? []) instances.push(toInstance(gce));
      }
      return instances;
    });
  }

  private async insert(context: string, template: PoolTemplate, node: string, index: number, token: string): Promise<Operation | typeof ALREADY_EXISTS> {
    const request: protos.google.cloud.compute.v1.IInsertInstanceRequest = {
      project: this.project,
      zone: template.zone,
      requestId: requestIdFor(token, index),
      instanceResource: instanceBody({ project: this.project, template, node, token }, this.settings),
      ...(this.settings.sourceInstanceTemplate ? { sourceInstanceTemplate: this.settings.sourceInstanceTemplate } : {}),
    };
    return this.call(context, async () => {
      try {
        return latestOperation(await this.clients.instances.insert(request));
      } catch (err) {
        if (isAlreadyExists(gceErrorFacts(err))) return ALREADY_EXISTS;
        throw err;
      }
    });
  }

  private async finishInsert(context: string, template: PoolTemplate, node: string, token: string, accepted: Operation): Promise<Instance> {
    const done = await this.waitDone(context, template.zone, accepted);
    const facts = operationErrorFacts(done);
    if (facts && isAlreadyExists(facts)) return this.adopt(context, template, node);
    if (facts) throw providerErrorFrom(facts, context, new Error(`operation ${done.name} failed`));
    return {
      id: instanceId(template.zone, node),
      cell: template.cell,
      pool: template.pool,
      node,
      tier: template.tier,
      state: 'pending',
      zone: template.zone,
      launchedAt: done.insertTime ? new Date(done.insertTime) : this.now(),
      token,
    };
  }

  // The instance name is taken: it is ours when its labels name the same cell and node.
  private async adopt(context: string, template: PoolTemplate, node: string): Promise<Instance> {
    const [gce] = await this.call(context, () => this.clients.instances.get({ project: this.project, zone: template.zone, instance: node }));
    const found = toInstance(gce);
    if (found.cell !== template.cell || found.node !== node) {
      throw new ProviderError(
        'InvalidConfiguration',
        `${context}: instance name ${node} in ${template.zone} is taken by an instance labelled cell "${found.cell}" node "${found.node}"`,
      );
    }
    return found;
  }

  // Waits until the zone operation is DONE; returns it, errors and all, for the caller to judge.
  private async waitDone(context: string, zone: string, op: Operation): Promise<Operation> {
    let current = op;
    for (let waits = 0; String(current.status) !== 'DONE'; waits++) {
      if (waits >= this.maxOperationWaits) {
        throw new ProviderError('Unknown', `${context}: operation ${current.name} still ${String(current.status)} after ${waits} waits`);
      }
      const name = current.name ?? '';
      [current] = await this.call(context, () => this.clients.zoneOperations.wait({ project: this.project, zone: lastSegment(current.zone) || zone, operation: name }));
    }
    return current;
  }

  // Every SDK call goes through here: errors become ProviderErrors, throttling is retried.
  private call<T>(context: string, send: () => Promise<T>): Promise<T> {
    return cloudCall(send, (err) => toProviderError(err, context), this.retry);
  }
}

// instances.insert / delete answer with gax's LRO wrapper; the Compute Operation is its latestResponse.
function latestOperation(result: readonly [unknown, ...unknown[]]): Operation {
  const op = (result[0] as { latestResponse?: Operation } | undefined)?.latestResponse;
  if (!op?.name) throw new ProviderError('Unknown', 'Compute answered without an operation');
  return op;
}

// Keeps the failure's code (the caller branches on it) and says which nodes did launch.
function partialLaunchError(err: unknown, launched: Instance[], count: number): ProviderError {
  const error = isProviderError(err) ? err : new ProviderError('Unknown', String(err), { cause: err });
  if (launched.length === 0) return error;
  const ids = launched.map((i) => `${i.node}=${i.id}`).join(', ');
  return new ProviderError(error.code, `${error.message}; ${launched.length} of ${count} launched (${ids})`, {
    cause: error,
    retryAfterMs: error.retryAfterMs,
  });
}
