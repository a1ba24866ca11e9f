import { Tier } from '@helios/api';
import { ProviderError, type LaunchRequest, type PoolTemplate } from '@helios/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvider } from './aws-provider';
import { createEc2Client } from './ec2-client';
import {
  FakeEc2Endpoint,
  describeInstancesXml,
  ec2ErrorXml,
  runInstancesXml,
  terminateInstancesXml,
  type Ec2Call,
  type FakeInstance,
} from './fake-ec2-endpoint';
import { deriveClientToken } from './run-instances-input';
import type { ThrottleRetryPolicy } from '@helios/provider';

const spotTemplate: PoolTemplate = {
  cell: 'use1-a',
  pool: 'h100-spot',
  region: 'us-east-1',
  zone: 'us-east-1a',
  instanceType: 'p5.48xlarge',
  gpuType: 'h100',
  gpusPerNode: 8,
  tier: Tier.TIER_PREEMPTIBLE,
};

const instance = (id: string, extra: Partial<FakeInstance> = {}): FakeInstance => ({
  id,
  state: 'pending',
  zone: 'us-east-1a',
  launchTime: '2026-03-01T08:00:00.000Z',
  ...extra,
});

// The tags every resource of a launch gets, flattened as EC2's Query API carries them.
function tagParams(spec: number, tags: Array<[string, string]>): Record<string, string> {
  return Object.fromEntries(
    tags.flatMap(([k, v], i) => [
      [`TagSpecification.${spec}.Tag.${i + 1}.Key`, k],
      [`TagSpecification.${spec}.Tag.${i + 1}.Value`, v],
    ]),
  );
}

function tagSpecParams(types: string[], tags: Array<[string, string]>): Record<string, string> {
  return Object.assign(
    {},
    ...types.map((type, i) => ({ [`TagSpecification.${i + 1}.ResourceType`]: type, ...tagParams(i + 1, tags) })),
  );
}

describe('AwsProvider through the real EC2 SDK client', () => {
  let ec2: FakeEc2Endpoint;
  let sleeps: number[];

  const provider = (settings: Partial<ConstructorParameters<typeof AwsProvider>[0]> = {}, retry: Partial<ThrottleRetryPolicy> = {}) =>
    new AwsProvider({
      client: createEc2Client({ region: 'us-east-1', endpoint: ec2.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } }),
      launch: { imageId: 'ami-0abc' },
      retry: {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...retry,
      },
      ...settings,
    });

  beforeAll(async () => {
    ec2 = await FakeEc2Endpoint.start();
  });
  afterAll(async () => {
    await ec2.stop();
  });
  beforeEach(() => {
    ec2.reset();
    sleeps = [];
  });

  describe('launch', () => {
    const request: LaunchRequest = { template: spotTemplate, count: 2, token: 'launch-7f3a', nodeNames: ['h100-spot-0', 'h100-spot-1'] };

    it('sends one spot RunInstances per node with a derived ClientToken and per-node tags', async () => {
      ec2.reply(
        { status: 200, body: runInstancesXml([instance('i-000a', { lifecycle: 'spot' })]) },
        { status: 200, body: runInstancesXml([instance('i-000b', { lifecycle: 'spot', zone: 'us-east-1a' })]) },
      );

      const launched = await provider().launch(request);

      expect(ec2.calls).toHaveLength(2);
      expect(ec2.calls[0]!.method).toBe('POST');
      expect(ec2.calls[0]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
      const tags = (node: string): Array<[string, string]> => [
        ['helios:cell', 'use1-a'],
        ['helios:pool', 'h100-spot'],
        ['helios:node', node],
        ['helios:tier', 'preemptible'],
        ['helios:launch-token', 'launch-7f3a'],
        ['Name', node],
      ];
      expect(ec2.calls[0]!.params).toEqual({
        Action: 'RunInstances',
        Version: '2016-11-15',
        ClientToken: '9addb385087586e0936fa3a81f0080d62838b6b3009f336c6224638d5b687d03',
        MinCount: '1',
        MaxCount: '1',
        ImageId: 'ami-0abc',
        InstanceType: 'p5.48xlarge',
        'Placement.AvailabilityZone': 'us-east-1a',
        'InstanceMarketOptions.MarketType': 'spot',
        'InstanceMarketOptions.SpotOptions.SpotInstanceType': 'one-time',
        'InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior': 'terminate',
        ...tagSpecParams(['instance', 'volume', 'network-interface', 'spot-instances-request'], tags('h100-spot-0')),
      });
      expect(ec2.calls[1]!.params.ClientToken).toBe(deriveClientToken('launch-7f3a', 1));
      expect(ec2.calls[1]!.params['TagSpecification.1.Tag.3.Value']).toBe('h100-spot-1');

      expect(launched).toEqual([
        {
          id: 'i-000a',
          cell: 'use1-a',
          pool: 'h100-spot',
          node: 'h100-spot-0',
          tier: Tier.TIER_PREEMPTIBLE,
          state: 'pending',
          zone: 'us-east-1a',
          launchedAt: new Date('2026-03-01T08:00:00.000Z'),
          token: 'launch-7f3a',
        },
        expect.objectContaining({ id: 'i-000b', node: 'h100-spot-1' }),
      ]);
    });

    it('repeats the exact same requests for the same token, so EC2 returns the same instances', async () => {
      ec2.otherwise(() => ({ status: 200, body: runInstancesXml([instance('i-000a')]) }));
      await provider().launch(request);
      await provider().launch(request);
      expect(ec2.calls.map((c) => c.params)).toEqual([ec2.calls[0]!.params, ec2.calls[1]!.params, ec2.calls[0]!.params, ec2.calls[1]!.params]);
    });

    it('targets the capacity reservation for a reserved pool', async () => {
      ec2.reply({ status: 200, body: runInstancesXml([instance('i-000r')]) });
      const template = { ...spotTemplate, pool: 'h100-res', tier: Tier.TIER_RESERVED, reservationId: 'cr-0123456789abcdef0' };
      await provider().launch({ template, count: 1, token: 't-res', nodeNames: ['h100-res-0'] });
      const params = ec2.calls[0]!.params;
      expect(params['CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId']).toBe('cr-0123456789abcdef0');
      expect(Object.keys(params).filter((k) => k.startsWith('InstanceMarketOptions'))).toEqual([]);
      expect(params['TagSpecification.1.Tag.4.Value']).toBe('reserved');
      expect(params['TagSpecification.4.ResourceType']).toBeUndefined();
    });

    it('opts an on-demand launch out of open reservations and applies the launch settings', async () => {
      ec2.reply({ status: 200, body: runInstancesXml([instance('i-000d', { zone: 'us-east-1b' })]) });
      const p = provider({
        launch: {
          launchTemplate: { name: 'helios-gpu', version: '7' },
          subnetIdByZone: { 'us-east-1b': 'subnet-0b' },
          securityGroupIds: ['sg-1', 'sg-2'],
          instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/helios-node',
        },
      });
      const template = { ...spotTemplate, zone: 'us-east-1b', pool: 'h100-od', tier: Tier.TIER_ON_DEMAND };
      const [launched] = await p.launch({ template, count: 1, token: 't-od', nodeNames: ['h100-od-0'] });
      const params = ec2.calls[0]!.params;
      expect(params).toMatchObject({
        'CapacityReservationSpecification.CapacityReservationPreference': 'none',
        'LaunchTemplate.LaunchTemplateName': 'helios-gpu',
        'LaunchTemplate.Version': '7',
        SubnetId: 'subnet-0b',
        'SecurityGroupId.1': 'sg-1',
        'SecurityGroupId.2': 'sg-2',
        'IamInstanceProfile.Arn': 'arn:aws:iam::123456789012:instance-profile/helios-node',
        'Placement.AvailabilityZone': 'us-east-1b',
      });
      expect(params.ImageId).toBeUndefined();
      expect(launched).toMatchObject({ id: 'i-000d', zone: 'us-east-1b', tier: Tier.TIER_ON_DEMAND });
    });

    it.each([
      ['a token longer than 64 characters', { token: 'x'.repeat(65) }],
      ['a non-ASCII token', { token: 'jeton-é' }],
      ['an empty token', { token: '' }],
      ['fewer node names than instances', { count: 3 }],
      ['duplicate node names', { nodeNames: ['n', 'n'] }],
      ['a reserved pool without a reservation id', { template: { ...spotTemplate, tier: Tier.TIER_RESERVED } }],
      ['an unspecified tier', { template: { ...spotTemplate, tier: Tier.TIER_UNSPECIFIED } }],
    ])('rejects %s as InvalidConfiguration without calling EC2', async (_why, change) => {
      await expect(provider().launch({ ...request, ...change })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
      expect(ec2.calls).toHaveLength(0);
    });

    it('reports which nodes launched when a later node hits a stockout', async () => {
      ec2.reply(
        { status: 200, body: runInstancesXml([instance('i-000a')]) },
        { status: 500, body: ec2ErrorXml('InsufficientInstanceCapacity', 'We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a).') },
      );
      const err = await provider().launch(request).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: 'InsufficientCapacity' });
      expect((err as Error).message).toContain('launching node h100-spot-1 (2 of 2) in pool h100-spot of cell use1-a: InsufficientInstanceCapacity');
      expect((err as Error).message).toContain('1 of 2 already launched (h100-spot-0=i-000a)');
    });

    it('retries RequestLimitExceeded with full-jitter backoff and the same ClientToken', async () => {
      const throttled = { status: 503, body: ec2ErrorXml('RequestLimitExceeded', 'Request limit exceeded.') };
      ec2.reply(throttled, throttled, { status: 200, body: runInstancesXml([instance('i-000a')]) });
      const [launched] = await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] });
      expect(launched!.id).toBe('i-000a');
      expect(ec2.calls).toHaveLength(3);
      expect(new Set(ec2.calls.map((c) => c.params.ClientToken)).size).toBe(1);
      // random() = 0.5 against ceilings of 250 ms and 500 ms.
      expect(sleeps).toEqual([125, 250]);
    });

    it('gives up on throttling after maxAttempts and says so', async () => {
      ec2.otherwise({ status: 503, body: ec2ErrorXml('RequestLimitExceeded', 'Request limit exceeded.') });
      const err = await provider({}, { maxAttempts: 3 })
        .launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'Throttled' });
      expect((err as Error).message).toContain('gave up after 3 attempts');
      expect(ec2.calls).toHaveLength(3);
      expect(sleeps).toEqual([125, 250]);
    });
  });

  describe('error mapping', () => {
    it.each([
      ['InsufficientInstanceCapacity', 500, 'InsufficientCapacity'],
      ['InsufficientCapacity', 500, 'InsufficientCapacity'],
      ['ReservationCapacityExceeded', 400, 'InsufficientCapacity'],
      ['InstanceLimitExceeded', 400, 'QuotaExceeded'],
      ['VcpuLimitExceeded', 400, 'QuotaExceeded'],
      ['MaxSpotInstanceCountExceeded', 400, 'QuotaExceeded'],
      ['RequestLimitExceeded', 503, 'Throttled'],
      ['IdempotentParameterMismatch', 400, 'InvalidConfiguration'],
      ['InvalidParameterValue', 400, 'InvalidConfiguration'],
      ['InvalidInstanceType', 400, 'InvalidConfiguration'],
      ['InvalidParameterCombination', 400, 'InvalidConfiguration'],
      ['InvalidAMIID.Malformed', 400, 'InvalidConfiguration'],
      ['Unsupported', 400, 'InvalidConfiguration'],
      ['UnauthorizedOperation', 403, 'InvalidConfiguration'],
      ['InvalidAMIID.NotFound', 400, 'NotFound'],
      ['InvalidSubnetID.NotFound', 400, 'NotFound'],
      ['InvalidLaunchTemplateName.NotFoundException', 400, 'NotFound'],
      ['InternalError', 500, 'Unknown'],
      ['Unavailable', 503, 'Unknown'],
    ])('maps %s (HTTP %i) to %s', async (code, status, expected) => {
      ec2.otherwise({ status, body: ec2ErrorXml(code, `simulated ${code}`) });
      const err = await provider({}, { maxAttempts: 1 })
        .launch({ template: spotTemplate, count: 1, token: 't', nodeNames: ['n-0'] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: expected });
      expect((err as Error).message).toMatch(new RegExp(`^launching node n-0 \\(1 of 1\\) in pool h100-spot of cell use1-a: ${code}: simulated ${code}`));
      expect((err as Error).cause).toMatchObject({ name: code });
    });

    it('maps a transport failure (nothing listening) to Unknown', async () => {
      const gone = await FakeEc2Endpoint.start();
      await gone.stop();
      const p = new AwsProvider({
        client: createEc2Client({ region: 'us-east-1', endpoint: gone.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
        launch: { imageId: 'ami-0abc' },
      });
      await expect(p.list('use1-a')).rejects.toMatchObject({ code: 'Unknown', message: expect.stringContaining('listing instances of cell use1-a') });
    });
  });

  describe('list', () => {
    it('filters on the Helios tags and live states, follows NextToken, and reads nodes back from tags', async () => {
      const tags = (node: string, tier = 'preemptible') => ({
        'helios:cell': 'use1-a',
        'helios:pool': 'h100-spot',
        'helios:node': node,
        'helios:tier': tier,
        'helios:launch-token': 'launch-7f3a',
      });
      ec2.reply(
        {
          status: 200,
          body: describeInstancesXml(
            [[instance('i-1', { state: 'running', tags: tags('n-1'), lifecycle: 'spot' })], [instance('i-2', { state: 'stopped', tags: tags('n-2') })]],
            'page-2',
          ),
        },
        { status: 200, body: describeInstancesXml([[instance('i-3', { state: 'shutting-down', zone: 'us-east-1b', tags: { 'helios:cell': 'use1-a' } })]]) },
      );

      const listed = await provider().list('use1-a', 'h100-spot');

      const filters = {
        Action: 'DescribeInstances',
        Version: '2016-11-15',
        'Filter.1.Name': 'tag:helios:cell',
        'Filter.1.Value.1': 'use1-a',
        'Filter.2.Name': 'tag:helios:pool',
        'Filter.2.Value.1': 'h100-spot',
        'Filter.3.Name': 'instance-state-name',
        'Filter.3.Value.1': 'pending',
        'Filter.3.Value.2': 'running',
        'Filter.3.Value.3': 'shutting-down',
        'Filter.3.Value.4': 'stopping',
        'Filter.3.Value.5': 'stopped',
        MaxResults: '1000',
      };
      expect(ec2.calls.map((c) => c.params)).toEqual([filters, { ...filters, NextToken: 'page-2' }]);
      expect(listed).toEqual([
        {
          id: 'i-1',
          cell: 'use1-a',
          pool: 'h100-spot',
          node: 'n-1',
          tier: Tier.TIER_PREEMPTIBLE,
          state: 'running',
          zone: 'us-east-1a',
          launchedAt: new Date('2026-03-01T08:00:00.000Z'),
          token: 'launch-7f3a',
        },
        expect.objectContaining({ id: 'i-2', node: 'n-2', state: 'stopping' }),
        // Tagged with the cell but not by a Helios launch: reported with blanks for the GC to reap.
        { id: 'i-3', cell: 'use1-a', pool: '', node: '', tier: Tier.TIER_UNSPECIFIED, state: 'stopping', zone: 'us-east-1b', launchedAt: new Date('2026-03-01T08:00:00.000Z') },
      ]);
    });

    it('filters on the cell alone when no pool is given', async () => {
      ec2.reply({ status: 200, body: describeInstancesXml([]) });
      expect(await provider({ pageSize: 50 }).list('use1-a')).toEqual([]);
      const params = ec2.calls[0]!.params;
      expect(params['Filter.2.Name']).toBe('instance-state-name');
      expect(params['Filter.3.Name']).toBeUndefined();
      expect(params.MaxResults).toBe('50');
    });
  });

  describe('terminate', () => {
    const ids = (call: Ec2Call) =>
      Object.entries(call.params)
        .filter(([k]) => k.startsWith('InstanceId.'))
        .map(([, v]) => v);

    it('sends TerminateInstances with every id', async () => {
      ec2.reply({ status: 200, body: terminateInstancesXml(['i-1', 'i-2']) });
      await provider().terminate(['i-1', 'i-2']);
      expect(ec2.calls.map((c) => c.params)).toEqual([{ Action: 'TerminateInstances', Version: '2016-11-15', 'InstanceId.1': 'i-1', 'InstanceId.2': 'i-2' }]);
    });

    it('treats an id EC2 does not know as already gone', async () => {
      ec2.reply({ status: 400, body: ec2ErrorXml('InvalidInstanceID.NotFound', "The instance ID 'i-gone' does not exist") });
      await expect(provider().terminate(['i-gone'])).resolves.toBeUndefined();
    });

    it('falls back to one call per id when one id of a batch is unknown, so the others still terminate', async () => {
      const notFound = { status: 400, body: ec2ErrorXml('InvalidInstanceID.NotFound', "The instance ID 'i-gone' does not exist") };
      ec2.reply(notFound, { status: 200, body: terminateInstancesXml(['i-1']) }, notFound, { status: 200, body: terminateInstancesXml(['i-3']) });
      await provider().terminate(['i-1', 'i-gone', 'i-3']);
      expect(ec2.calls.map(ids)).toEqual([['i-1', 'i-gone', 'i-3'], ['i-1'], ['i-gone'], ['i-3']]);
    });

    it('splits more than 1000 ids into batches', async () => {
      ec2.otherwise((call) => ({ status: 200, body: terminateInstancesXml(ids(call)) }));
      const many = Array.from({ length: 1001 }, (_, i) => `i-${i}`);
      await provider().terminate(many);
      expect(ec2.calls.map((c) => ids(c).length)).toEqual([1000, 1]);
      expect(ids(ec2.calls[1]!)).toEqual(['i-1000']);
    });

    it('sends nothing for no ids and surfaces other errors', async () => {
      await provider().terminate([]);
      expect(ec2.calls).toHaveLength(0);
      ec2.reply({ status: 403, body: ec2ErrorXml('UnauthorizedOperation', 'You are not authorized to perform this operation.') });
      await expect(provider().terminate(['i-1'])).rejects.toMatchObject({ code: 'InvalidConfiguration', message: expect.stringContaining('terminating instance i-1') });
    });
  });

  it('refuses to start without an AMI source', () => {
    expect(() => provider({ launch: {} })).toThrow(/launchTemplate or launch.imageId/);
  });
});
