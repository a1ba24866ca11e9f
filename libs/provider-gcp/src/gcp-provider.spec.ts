import { Tier } from '@helios/api';
import { ProviderError, type LaunchRequest, type PoolTemplate } from '@helios/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createComputeClients, type ComputeClients } from './compute-clients';
import { FakeComputeEndpoint, gceErrorBody, instanceJson, operationJson, type ComputeCall, type ComputeReply } from './fake-compute-endpoint';
import { GcpProvider, type GcpProviderOptions } from './gcp-provider';
import { requestIdFor } from './request-id';

const PROJECT = 'proj';
const ZONES = `/compute/v1/projects/${PROJECT}/zones`;
const IMAGE = 'projects/ubuntu-os-accelerator-images/global/images/family/ubuntu-accelerator-2404-amd64-with-nvidia-570';

const spotTemplate: PoolTemplate = {
  cell: 'usc1-a',
  pool: 'h100-spot',
  region: 'us-central1',
  zone: 'us-central1-a',
  instanceType: 'a3-highgpu-8g',
  gpuType: 'h100',
  gpusPerNode: 8,
  tier: Tier.TIER_PREEMPTIBLE,
};

const request: LaunchRequest = { template: spotTemplate, count: 2, token: 'launch-7f3a', nodeNames: ['h100-spot-0', 'h100-spot-1'] };

const ok = (body: unknown): ComputeReply => ({ status: 200, body });
const op = (name: string, status: 'RUNNING' | 'DONE', extra: Partial<Parameters<typeof operationJson>[0]> = {}) =>
  operationJson({ name, project: PROJECT, zone: 'us-central1-a', status, ...extra });

// Answers inserts with a RUNNING operation named op-<node>, and waits with `done(node, waitNumber)`.
function launchRoute(done: (node: string, wait: number) => ComputeReply = (node) => ok(op(`op-${node}`, 'DONE', { target: node }))) {
  const waits = new Map<string, number>();
  return (call: ComputeCall): ComputeReply => {
    if (call.method === 'POST' && call.path === `${ZONES}/us-central1-a/instances`) {
      const node = (call.body as { name: string }).name;
      return ok(op(`op-${node}`, 'RUNNING', { target: node }));
    }
    const wait = /\/operations\/op-(.+)\/wait$/.exec(call.path);
    if (call.method === 'POST' && wait) {
      const n = (waits.get(wait[1]!) ?? 0) + 1;
      waits.set(wait[1]!, n);
      return done(wait[1]!, n);
    }
    return { status: 500, body: gceErrorBody(500, `unexpected ${call.method} ${call.path}`, 'backendError') };
  };
}

describe('GcpProvider through the real Compute SDK clients', () => {
  let gce: FakeComputeEndpoint;
  let clients: ComputeClients;
  let sleeps: number[];

  const provider = (options: Partial<GcpProviderOptions> = {}) =>
    new GcpProvider({
      clients,
      projectId: PROJECT,
      launch: { bootImage: IMAGE },
      ...options,
      retry: {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...options.retry,
      },
    });

  beforeAll(async () => {
    gce = await FakeComputeEndpoint.start();
    clients = createComputeClients({ projectId: PROJECT, endpoint: gce.url, credentials: { kind: 'apiKey', apiKey: 'test-key' } });
  });
  afterAll(async () => {
    await gce.stop();
  });
  beforeEach(() => {
    gce.reset();
    sleeps = [];
  });

  describe('launch', () => {
    it('inserts each node with a derived requestId, then waits on its zone operation until DONE', async () => {
      // The first wait comes back RUNNING (wait returns after ~2 min on GCE), the second DONE.
      gce.route(launchRoute((node, n) => ok(op(`op-${node}`, n === 1 ? 'RUNNING' : 'DONE', { target: node }))));

      const launched = await provider().launch(request);

      const inserts = gce.calls.filter((c) => c.path.endsWith('/instances'));
      expect(inserts.map((c) => [c.method, c.path, c.query])).toEqual([
        ['POST', `${ZONES}/us-central1-a/instances`, { requestId: requestIdFor('launch-7f3a', 0) }],
        ['POST', `${ZONES}/us-central1-a/instances`, { requestId: requestIdFor('launch-7f3a', 1) }],
      ]);
      expect(inserts[0]!.headers['x-goog-api-key']).toBe('test-key');
      expect(inserts[0]!.body).toEqual({
        name: 'h100-spot-0',
        description: 'helios:launch-token=launch-7f3a',
        machineType: 'zones/us-central1-a/machineTypes/a3-highgpu-8g',
        labels: { 'helios-cell': 'usc1-a', 'helios-pool': 'h100-spot', 'helios-node': 'h100-spot-0', 'helios-tier': 'preemptible' },
        scheduling: { provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE', onHostMaintenance: 'TERMINATE', automaticRestart: false },
        disks: [
          {
            boot: true,
            autoDelete: true,
            initializeParams: { sourceImage: IMAGE, diskSizeGb: '200', diskType: 'zones/us-central1-a/diskTypes/pd-balanced', labels: {}, resourceManagerTags: {} },
          },
        ],
        networkInterfaces: [{ network: 'global/networks/default' }],
      });
      const waits = gce.calls.filter((c) => c.path.endsWith('/wait'));
      expect(waits.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
        `POST ${ZONES}/us-central1-a/operations/op-h100-spot-0/wait`,
        `POST ${ZONES}/us-central1-a/operations/op-h100-spot-0/wait`,
        `POST ${ZONES}/us-central1-a/operations/op-h100-spot-1/wait`,
        `POST ${ZONES}/us-central1-a/operations/op-h100-spot-1/wait`,
      ]);

      expect(launched).toEqual([
        {
          id: 'us-central1-a/h100-spot-0',
          cell: 'usc1-a',
          pool: 'h100-spot',
          node: 'h100-spot-0',
          tier: Tier.TIER_PREEMPTIBLE,
          state: 'pending',
          zone: 'us-central1-a',
          launchedAt: new Date('2026-03-01T08:00:00.000Z'),
          token: 'launch-7f3a',
        },
        expect.objectContaining({ id: 'us-central1-a/h100-spot-1', node: 'h100-spot-1' }),
      ]);
    });

    it('does not wait when the insert answers an operation that is already DONE (a repeated requestId)', async () => {
      gce.route((call) => ok(op(`op-${(call.body as { name: string }).name}`, 'DONE')));
      await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] });
      expect(gce.calls.map((c) => c.method + ' ' + c.path)).toEqual([`POST ${ZONES}/us-central1-a/instances`]);
    });

    it('sends the same requestIds for the same token', async () => {
      gce.route(launchRoute());
      await provider().launch(request);
      await provider().launch(request);
      const ids = gce.calls.filter((c) => c.path.endsWith('/instances')).map((c) => c.query.requestId);
      expect(ids).toEqual([ids[0], ids[1], ids[0], ids[1]]);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('attaches accelerators to N1 machines, opts on-demand out of reservations, and uses the instance template', async () => {
      gce.route(launchRoute());
      const p = provider({ launch: { sourceInstanceTemplate: 'global/instanceTemplates/helios-gpu-v3', acceleratorTypes: { t4: 'nvidia-tesla-t4' } } });
      const template = { ...spotTemplate, instanceType: 'n1-standard-16', gpuType: 't4', gpusPerNode: 2, pool: 't4-od', tier: Tier.TIER_ON_DEMAND };
      await p.launch({ template, count: 1, token: 't-od', nodeNames: ['t4-od-0'] });
      const insert = gce.calls[0]!;
      expect(insert.query).toEqual({ requestId: requestIdFor('t-od', 0), sourceInstanceTemplate: 'global/instanceTemplates/helios-gpu-v3' });
      expect(insert.body).toEqual({
        name: 't4-od-0',
        description: 'helios:launch-token=t-od',
        machineType: 'zones/us-central1-a/machineTypes/n1-standard-16',
        labels: { 'helios-cell': 'usc1-a', 'helios-pool': 't4-od', 'helios-node': 't4-od-0', 'helios-tier': 'on-demand' },
        guestAccelerators: [{ acceleratorType: 'projects/proj/zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4', acceleratorCount: 2 }],
        scheduling: { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: true },
        reservationAffinity: { consumeReservationType: 'NO_RESERVATION' },
      });
    });

    it('consumes the named reservation for a reserved pool, on the subnetwork with an external IP', async () => {
      gce.route(launchRoute());
      const p = provider({ launch: { bootImage: IMAGE, bootDiskSizeGb: 500, bootDiskType: 'hyperdisk-balanced', subnetwork: 'regions/us-central1/subnetworks/gpu', externalIp: true } });
      const template = { ...spotTemplate, pool: 'h100-res', tier: Tier.TIER_RESERVED, reservationId: 'h100-commit-1' };
      await p.launch({ template, count: 1, token: 't-res', nodeNames: ['h100-res-0'] });
      expect(gce.calls[0]!.body).toMatchObject({
        reservationAffinity: { consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: ['h100-commit-1'] },
        scheduling: { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: true },
        disks: [{ initializeParams: { diskSizeGb: '500', diskType: 'zones/us-central1-a/diskTypes/hyperdisk-balanced' } }],
        networkInterfaces: [{ subnetwork: 'regions/us-central1/subnetworks/gpu', accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }],
      });
    });

    it.each([
      ['a node name that is not a GCE instance name', { nodeNames: ['H100_0', 'h100-1'] }],
      ['a cell that is not a label value', { template: { ...spotTemplate, cell: 'US-Central' } }],
      ['an empty token', { token: '' }],
      ['more instances than node names', { count: 3 }],
      ['a reserved pool without a reservation', { template: { ...spotTemplate, tier: Tier.TIER_RESERVED } }],
    ])('rejects %s as InvalidConfiguration without calling GCE', async (_why, change) => {
      await expect(provider().launch({ ...request, ...change })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
      expect(gce.calls).toHaveLength(0);
    });

    it.each([
      ['ZONE_RESOURCE_POOL_EXHAUSTED', 503, "The zone 'projects/proj/zones/us-central1-a' does not have enough resources available to fulfill the request.", 'InsufficientCapacity'],
      ['ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 503, 'The zone does not have enough resources available to fulfill the request. (resource type:compute)', 'InsufficientCapacity'],
      ['QUOTA_EXCEEDED', 403, "Quota 'NVIDIA_H100_GPUS' exceeded.  Limit: 0.0 in region us-central1.", 'QuotaExceeded'],
      ['RESOURCE_NOT_FOUND', 404, "The resource 'projects/proj/zones/us-central1-a/reservations/gone' was not found", 'NotFound'],
      ['UNSUPPORTED_OPERATION', 400, 'Instances with guest accelerators do not support live migration.', 'InvalidConfiguration'],
      ['INTERNAL_ERROR', 500, 'Internal error.', 'Unknown'],
    ])('surfaces operation error %s (HTTP %i, %s) as %s', async (code, status, message, expected) => {
      gce.route(launchRoute((node) => ok(op(`op-${node}`, 'DONE', { errors: [{ code, message }], httpErrorStatusCode: status }))));
      const err = await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: expected });
      expect((err as Error).message).toBe(`launching node h100-spot-0 (1 of 1) in pool h100-spot of cell usc1-a: HTTP ${status} ${code}: ${code}: ${message}`);
    });

    it('reports which nodes launched when another node stocks out', async () => {
      gce.route(
        launchRoute((node) =>
          ok(node === 'h100-spot-1' ? op(`op-${node}`, 'DONE', { errors: [{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: 'no H100' }], httpErrorStatusCode: 503 }) : op(`op-${node}`, 'DONE')),
        ),
      );
      const err = await provider().launch(request).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'InsufficientCapacity' });
      expect((err as Error).message).toContain('1 of 2 launched (h100-spot-0=us-central1-a/h100-spot-0)');
    });

    it('stops inserting after an insert is refused, and still waits for the ones accepted', async () => {
      const route = launchRoute();
      gce.route((call) =>
        call.path.endsWith('/instances') && (call.body as { name: string }).name === 'h100-spot-1'
          ? { status: 403, body: gceErrorBody(403, "Quota 'NVIDIA_H100_GPUS' exceeded.  Limit: 8.0 in region us-central1.", 'quotaExceeded', 'usageLimits') }
          : route(call),
      );
      const err = await provider().launch({ ...request, count: 3, nodeNames: ['h100-spot-0', 'h100-spot-1', 'h100-spot-2'] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'QuotaExceeded' });
      expect((err as Error).message).toContain('launching node h100-spot-1 (2 of 3)');
      expect((err as Error).message).toContain('1 of 3 launched');
      expect(gce.calls.filter((c) => c.path.endsWith('/instances')).map((c) => (c.body as { name: string }).name)).toEqual(['h100-spot-0', 'h100-spot-1']);
      expect(gce.calls.filter((c) => c.path.endsWith('/wait'))).toHaveLength(1);
    });

    it('adopts an instance that already exists under the node name when its labels match', async () => {
      gce.route((call) => {
        if (call.method === 'POST') return { status: 409, body: gceErrorBody(409, "The resource 'projects/proj/zones/us-central1-a/instances/h100-spot-0' already exists", 'alreadyExists') };
        const labels = { 'helios-cell': 'usc1-a', 'helios-pool': 'h100-spot', 'helios-node': 'h100-spot-0', 'helios-tier': 'preemptible' };
        return ok(instanceJson({ name: 'h100-spot-0', project: PROJECT, zone: 'us-central1-a', status: 'RUNNING', labels, description: 'helios:launch-token=older' }));
      });
      const [adopted] = await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] });
      expect(gce.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${ZONES}/us-central1-a/instances`, `GET ${ZONES}/us-central1-a/instances/h100-spot-0`]);
      expect(adopted).toMatchObject({ id: 'us-central1-a/h100-spot-0', node: 'h100-spot-0', state: 'running', token: 'older' });
    });

    it('refuses a taken name whose instance belongs to someone else', async () => {
      gce.route((call) =>
        call.method === 'POST'
          ? { status: 409, body: gceErrorBody(409, 'already exists', 'alreadyExists') }
          : ok(instanceJson({ name: 'h100-spot-0', project: PROJECT, zone: 'us-central1-a', status: 'RUNNING', labels: { team: 'ml' } })),
      );
      await expect(provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] })).rejects.toMatchObject({
        code: 'InvalidConfiguration',
        message: expect.stringContaining('is taken by an instance labelled cell "" node ""'),
      });
    });

    it('gives up on an operation that never finishes', async () => {
      gce.route(launchRoute((node) => ok(op(`op-${node}`, 'RUNNING'))));
      await expect(provider({ maxOperationWaits: 3 }).launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] })).rejects.toMatchObject({
        code: 'Unknown',
        message: expect.stringContaining('operation op-h100-spot-0 still RUNNING after 3 waits'),
      });
      expect(gce.calls.filter((c) => c.path.endsWith('/wait'))).toHaveLength(3);
    });

    it('retries 429 rateLimitExceeded with full-jitter backoff and the same requestId', async () => {
      let inserts = 0;
      const route = launchRoute();
      gce.route((call) =>
        call.path.endsWith('/instances') && ++inserts <= 2 ? { status: 429, body: gceErrorBody(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'usageLimits') } : route(call),
      );
      await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] });
      const ids = gce.calls.filter((c) => c.path.endsWith('/instances')).map((c) => c.query.requestId);
      expect(ids).toEqual([ids[0], ids[0], ids[0]]);
      expect(sleeps).toEqual([125, 250]);
    });

    it('honours Retry-After as the floor of the backoff', async () => {
      let inserts = 0;
      const route = launchRoute();
      gce.route((call) =>
        call.path.endsWith('/instances') && ++inserts === 1
          ? { status: 429, headers: { 'retry-after': '3' }, body: gceErrorBody(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'usageLimits') }
          : route(call),
      );
      await provider().launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] });
      expect(sleeps).toEqual([3000]);
    });
  });

  describe('HTTP error mapping', () => {
    it.each([
      [503, 'ZONE_RESOURCE_POOL_EXHAUSTED', 'InsufficientCapacity'],
      [403, 'quotaExceeded', 'QuotaExceeded'],
      [429, 'rateLimitExceeded', 'Throttled'],
      [403, 'rateLimitExceeded', 'Throttled'],
      [403, 'userRateLimitExceeded', 'Throttled'],
      [404, 'notFound', 'NotFound'],
      [400, 'invalid', 'InvalidConfiguration'],
      [400, 'badRequest', 'InvalidConfiguration'],
      [403, 'forbidden', 'InvalidConfiguration'],
      [500, 'backendError', 'Unknown'],
      [503, 'backendError', 'Unknown'],
    ])('maps HTTP %i %s on insert to %s', async (status, reason, expected) => {
      gce.route(() => ({ status, body: gceErrorBody(status, `simulated ${reason}`, reason) }));
      const err = await provider({ retry: { maxAttempts: 1 } })
        .launch({ ...request, count: 1, nodeNames: ['h100-spot-0'] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: expected });
      expect((err as Error).message).toMatch(new RegExp(`^launching node h100-spot-0 \\(1 of 1\\) in pool h100-spot of cell usc1-a: HTTP ${status} ${reason}: simulated ${reason}`));
      expect(gce.calls).toHaveLength(1);
    });

    it('maps a transport failure (nothing listening) to Unknown', async () => {
      const gone = await FakeComputeEndpoint.start();
      await gone.stop();
      const p = new GcpProvider({
        clients: createComputeClients({ projectId: PROJECT, endpoint: gone.url, credentials: { kind: 'apiKey', apiKey: 'k' } }),
        projectId: PROJECT,
        launch: { bootImage: IMAGE },
      });
      await expect(p.list('usc1-a')).rejects.toMatchObject({ code: 'Unknown', message: expect.stringContaining('listing instances of cell usc1-a') });
    });
  });

  describe('list', () => {
    const labels = (node: string) => ({ 'helios-cell': 'usc1-a', 'helios-pool': 'h100-spot', 'helios-node': node, 'helios-tier': 'preemptible' });

    it('filters an aggregatedList on the Helios labels, follows page tokens, and reads nodes back from labels', async () => {
      gce.route((call) =>
        call.query.pageToken === undefined
          ? ok({
              kind: 'compute#instanceAggregatedList',
              items: {
                'zones/us-central1-a': {
                  instances: [instanceJson({ name: 'h100-spot-0', project: PROJECT, zone: 'us-central1-a', status: 'RUNNING', labels: labels('h100-spot-0'), description: 'helios:launch-token=launch-7f3a' })],
                },
                'zones/us-central1-b': { warning: { code: 'NO_RESULTS_ON_PAGE', message: "There are no results for scope 'zones/us-central1-b' on this page." } },
              },
              nextPageToken: 'page-2',
            })
          : ok({
              kind: 'compute#instanceAggregatedList',
              items: {
                'zones/us-central1-c': {
                  instances: [
                    instanceJson({ name: 'h100-spot-1', project: PROJECT, zone: 'us-central1-c', status: 'STAGING', labels: labels('h100-spot-1') }),
                    instanceJson({ name: 'stray', project: PROJECT, zone: 'us-central1-c', status: 'TERMINATED', labels: { 'helios-cell': 'usc1-a', 'helios-pool': 'h100-spot' } }),
                  ],
                },
              },
            }),
      );

      const listed = await provider().list('usc1-a', 'h100-spot');

      const query = { filter: '(labels.helios-cell = "usc1-a") (labels.helios-pool = "h100-spot")', maxResults: '500' };
      expect(gce.calls.map((c) => [c.method, c.path, c.query])).toEqual([
        ['GET', `/compute/v1/projects/${PROJECT}/aggregated/instances`, query],
        ['GET', `/compute/v1/projects/${PROJECT}/aggregated/instances`, { ...query, pageToken: 'page-2' }],
      ]);
      expect(listed).toEqual([
        {
          id: 'us-central1-a/h100-spot-0',
          cell: 'usc1-a',
          pool: 'h100-spot',
          node: 'h100-spot-0',
          tier: Tier.TIER_PREEMPTIBLE,
          state: 'running',
          zone: 'us-central1-a',
          launchedAt: new Date('2026-03-01T08:00:05.000Z'),
          token: 'launch-7f3a',
        },
        expect.objectContaining({ id: 'us-central1-c/h100-spot-1', node: 'h100-spot-1', state: 'pending', zone: 'us-central1-c' }),
        expect.objectContaining({ id: 'us-central1-c/stray', node: '', state: 'stopping', tier: Tier.TIER_UNSPECIFIED }),
      ]);
    });

    it('filters on the cell alone when no pool is given', async () => {
      gce.route(() => ok({ kind: 'compute#instanceAggregatedList', items: {} }));
      expect(await provider({ pageSize: 100 }).list('usc1-a')).toEqual([]);
      expect(gce.calls[0]!.query).toEqual({ filter: '(labels.helios-cell = "usc1-a")', maxResults: '100' });
    });

    it('refuses a partial list when a zone is unreachable', async () => {
      gce.route(() =>
        ok({ items: { 'zones/us-central1-f': { warning: { code: 'UNREACHABLE', message: 'zones/us-central1-f is unreachable' } } } }),
      );
      await expect(provider().list('usc1-a')).rejects.toMatchObject({ code: 'Unknown', message: expect.stringContaining('zones/us-central1-f is unreachable') });
    });

    it('rejects a cell name no label can hold, without calling GCE', async () => {
      await expect(provider().list('usc1-a") OR (name = "x')).rejects.toMatchObject({ code: 'InvalidConfiguration' });
      expect(gce.calls).toHaveLength(0);
    });

    it('leaves 503s to the caller: the SDK layer does not retry them on its own', async () => {
      gce.route(() => ({ status: 503, body: gceErrorBody(503, 'Backend Error', 'backendError') }));
      await expect(provider().list('usc1-a')).rejects.toMatchObject({ code: 'Unknown' });
      expect(gce.calls).toHaveLength(1);
    });

    it('retries a throttled listing', async () => {
      let n = 0;
      gce.route(() => (++n === 1 ? { status: 429, body: gceErrorBody(429, 'Rate Limit Exceeded', 'rateLimitExceeded') } : ok({ items: {} })));
      await expect(provider().list('usc1-a')).resolves.toEqual([]);
      expect(gce.calls).toHaveLength(2);
      expect(sleeps).toEqual([125]);
    });
  });

  describe('terminate', () => {
    it('deletes each instance in its zone and waits for the deletions', async () => {
      gce.route((call) => {
        const del = /\/zones\/([^/]+)\/instances\/([^/]+)$/.exec(call.path);
        if (call.method === 'DELETE' && del) return ok(operationJson({ name: `del-${del[2]}`, project: PROJECT, zone: del[1]!, status: 'RUNNING', operationType: 'delete' }));
        const wait = /\/zones\/([^/]+)\/operations\/([^/]+)\/wait$/.exec(call.path);
        if (call.method === 'POST' && wait) return ok(operationJson({ name: wait[2]!, project: PROJECT, zone: wait[1]!, status: 'DONE', operationType: 'delete' }));
        return { status: 500, body: gceErrorBody(500, 'unexpected', 'backendError') };
      });
      await provider().terminate(['us-central1-a/h100-spot-0', 'us-central1-c/h100-spot-1']);
      expect(gce.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
        `DELETE ${ZONES}/us-central1-a/instances/h100-spot-0`,
        `DELETE ${ZONES}/us-central1-c/instances/h100-spot-1`,
        `POST ${ZONES}/us-central1-a/operations/del-h100-spot-0/wait`,
        `POST ${ZONES}/us-central1-c/operations/del-h100-spot-1/wait`,
      ]);
      expect(gce.calls.filter((c) => c.method === 'DELETE').map((c) => c.query)).toEqual([{}, {}]);
    });

    it('treats an instance GCE does not know as already gone, and keeps deleting the rest', async () => {
      gce.route((call) =>
        call.path.endsWith('/gone')
          ? { status: 404, body: gceErrorBody(404, "The resource 'projects/proj/zones/us-central1-a/instances/gone' was not found", 'notFound') }
          : ok(operationJson({ name: 'del-1', project: PROJECT, zone: 'us-central1-a', status: 'DONE', operationType: 'delete' })),
      );
      await provider().terminate(['us-central1-a/gone', 'us-central1-a/h100-spot-1']);
      expect(gce.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE ${ZONES}/us-central1-a/instances/gone`, `DELETE ${ZONES}/us-central1-a/instances/h100-spot-1`]);
    });

    it('surfaces a failed deletion operation after trying every instance', async () => {
      gce.route((call) =>
        ok(
          call.path.endsWith('/h100-spot-0')
            ? operationJson({ name: 'del-0', project: PROJECT, zone: 'us-central1-a', status: 'DONE', errors: [{ code: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE', message: 'in use' }], httpErrorStatusCode: 400 })
            : operationJson({ name: 'del-1', project: PROJECT, zone: 'us-central1-a', status: 'DONE' }),
        ),
      );
      await expect(provider().terminate(['us-central1-a/h100-spot-0', 'us-central1-a/h100-spot-1'])).rejects.toMatchObject({
        code: 'InvalidConfiguration',
        message: 'terminating instance us-central1-a/h100-spot-0: HTTP 400 RESOURCE_IN_USE_BY_ANOTHER_RESOURCE: RESOURCE_IN_USE_BY_ANOTHER_RESOURCE: in use',
      });
      expect(gce.calls.filter((c) => c.method === 'DELETE')).toHaveLength(2);
    });

    it('rejects an id that is not <zone>/<name> without calling GCE', async () => {
      await expect(provider().terminate(['i-0abc'])).rejects.toMatchObject({ code: 'InvalidConfiguration' });
      expect(gce.calls).toHaveLength(0);
    });
  });

  it('refuses to start without a boot disk source', () => {
    expect(() => provider({ launch: {} })).toThrow(/sourceInstanceTemplate or launch.bootImage/);
  });
});
