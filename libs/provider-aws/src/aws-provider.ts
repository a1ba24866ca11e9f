import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { ProviderError, checkLaunchRequest, ignoreProviderNotFound, isProviderError, isProviderNotFound, type CloudProvider, type Instance, type LaunchRequest } from '@helios/provider';
import { toProviderError } from './ec2-error';
import { instanceStateOf, toInstance } from './ec2-instance';
import { HELIOS_TAG } from './helios-tags';
import { EC2_LAUNCH_RULES } from './ec2-launch-rules';
import { runInstancesInput, type AwsLaunchSettings } from './run-instances-input';
import { cloudCall, defaultThrottleRetryPolicy, type ThrottleRetryPolicy } from '@helios/provider';

/** What an AwsProvider needs: a client from createEc2Client, launch settings, and optional tuning. */
export interface AwsProviderOptions {
  client: EC2Client;
  launch: AwsLaunchSettings;
  /** Overrides of the throttle retry policy (tests pass `sleep` and `random`). */
  retry?: Partial<ThrottleRetryPolicy>;
  /** DescribeInstances page size, 5-1000; default 1000. */
  pageSize?: number;
  /** Clock for `launchedAt` when EC2 omits LaunchTime. */
  now?: () => Date;
}

// Every state but terminated: stopped and shutting-down instances still exist and still cost.
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
// TerminateInstances accepts at most 1000 ids per call.
const TERMINATE_BATCH = 1000;

/**
 * The CloudProvider for AWS EC2.
 *
 * One RunInstances call per node, not one call for the whole request: EC2 applies a call's
 * TagSpecifications to every instance it launches, so only a per-node call can tag each instance
 * with its own `helios:node` at creation, atomically (a follow-up CreateTags would leave untagged
 * instances behind on a crash, and races EC2's eventual consistency). Each call has its own
 * ClientToken derived from (request token, index), so a repeated launch returns the same
 * instances. The price is N calls instead of one and no all-or-nothing launch: a stockout after
 * k nodes leaves those k running, tagged, and reported by `list`, which is what a GPU pool wants
 * anyway (k nodes beat none), and matches GCP, where every instance is its own insert.
 */
export class AwsProvider implements CloudProvider {
  readonly name = 'aws';
  private readonly client: EC2Client;
  private readonly settings: AwsLaunchSettings;
  private readonly retry: ThrottleRetryPolicy;
  private readonly pageSize: number;
  private readonly now: () => Date;

  constructor(options: AwsProviderOptions) {
    if (!options.launch.launchTemplate && !options.launch.imageId) {
      throw new Error('AwsProvider needs launch.launchTemplate or launch.imageId: RunInstances has no AMI otherwise');
    }
    this.client = options.client;
    this.settings = options.launch;
    this.retry = { ...defaultThrottleRetryPolicy(), ...options.retry };
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** Launches one instance per node name, each with its own ClientToken; see the class comment. */
  async launch(request: LaunchRequest): Promise<Instance[]> {
    checkLaunchRequest(request, EC2_LAUNCH_RULES);
    const { template, token, nodeNames, count } = request;
    const launched: Instance[] = [];
    for (const [index, node] of nodeNames.entries()) {
      const context = `launching node ${node} (${index + 1} of ${count}) in pool ${template.pool} of cell ${template.cell}`;
      try {
        const out = await this.call(context, () => this.client.send(new RunInstancesCommand(runInstancesInput({ template, node, index, token }, this.settings))));
        const ec2 = out.Instances?.[0];
        if (!ec2?.InstanceId) throw new ProviderError('Unknown', `${context}: RunInstances answered without an instance`);
        launched.push({
          id: ec2.InstanceId,
          cell: template.cell,
          pool: template.pool,
          node,
          tier: template.tier,
          state: instanceStateOf(ec2.State?.Name),
          zone: ec2.Placement?.AvailabilityZone ?? template.zone,
          launchedAt: ec2.LaunchTime ?? this.now(),
          token,
        });
      } catch (err) {
        throw partialLaunchError(err, launched, count);
      }
    }
    return launched;
  }

  /** Terminates by instance id in batches of 1000; ids EC2 no longer knows are skipped. */
  async terminate(instanceIds: string[]): Promise<void> {
    for (let i = 0; i < instanceIds.length; i += TERMINATE_BATCH) {
      const batch = instanceIds.slice(i, i + TERMINATE_BATCH);
      try {
        await this.terminateBatch(batch);
      } catch (err) {
        if (!isProviderNotFound(err)) throw err;
        // EC2 rejects the whole call when any one id is unknown, without terminating the others,
        // so retry id by id and let each unknown id be the no-op the port promises.
        if (batch.length > 1) for (const id of batch) await this.terminateBatch([id]).catch(ignoreProviderNotFound);
      }
    }
  }

  /** Lists the cell's (and pool's) instances in every state but terminated, following NextToken. */
  async list(cell: string, pool?: string): Promise<Instance[]> {
    const filters: Filter[] = [
      { Name: `tag:${HELIOS_TAG.cell}`, Values: [cell] },
      ...(pool === undefined ? [] : [{ Name: `tag:${HELIOS_TAG.pool}`, Values: [pool] }]),
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ];
    const context = `listing instances of ${pool === undefined ? '' : `pool ${pool} of `}cell ${cell}`;
    const instances: Instance[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.call(context, () =>
        this.client.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: this.pageSize, NextToken: nextToken })),
      );
      for (const reservation of out.Reservations ?? []) {
        for (const ec2 of reservation.Instances ?? []) instances.push(toInstance(ec2));
      }
      nextToken = out.NextToken || undefined;
    } while (nextToken);
    return instances;
  }

  private async terminateBatch(ids: string[]): Promise<void> {
    const context = `terminating ${ids.length === 1 ? `instance ${ids[0]}` : `${ids.length} instances`}`;
    await this.call(context, () => this.client.send(new TerminateInstancesCommand({ InstanceIds: ids })));
  }

  // Every SDK call goes through here: errors become ProviderErrors, throttling is retried.
  private call<T>(context: string, send: () => Promise<T>): Promise<T> {
    return cloudCall(send, (err) => toProviderError(err, context), this.retry);
  }
}

// Keeps the failure's code (the caller branches on it) and says which nodes did launch.
function partialLaunchError(err: unknown, launched: Instance[], count: number): ProviderError {
  const error = isProviderError(err) ? err : new ProviderError('Unknown', String(err), { cause: err });
  if (launched.length === 0) return error;
  const ids = launched.map((i) => `${i.node}=${i.id}`).join(', ');
  return new ProviderError(error.code, `${error.message}; ${launched.length} of ${count} already launched (${ids})`, {
    cause: error,
    retryAfterMs: error.retryAfterMs,
  });
}
