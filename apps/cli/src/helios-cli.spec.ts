import { Cell, Deployment, Kind, Node, NodePhase, NodePool, Replica, ReplicaPhase, RolloutAction, Tier, wrap, DeploymentStatus } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryOperator } from './testing/in-memory-operator';
import { runCli, startCli } from './testing/run-cli';

// These tests run the real CLI (`node apps/cli/bin/helios.js`) as a child process against a
// grpc-js OperatorService on loopback that keeps objects in memory and records every request.

const MANIFEST = `apiVersion: helios/v1
kind: Cell
metadata:
  name: us-east
spec:
  provider: sim
  region: us-east-1
  zones: [a, b]
---
apiVersion: helios/v1
kind: NodePool
metadata:
  name: gpu-a
  labels:
    team: ml
spec:
  cell: us-east
  gpuType: h100
  instanceType: p5.48xlarge
  gpusPerNode: 8
  tier: on-demand
  min: 1
  max: 4
`;

const CELL = wrap('cell', Cell.fromPartial({ metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1', zones: ['a', 'b'] } }));
const POOL = wrap('nodePool', NodePool.fromPartial({
  metadata: { name: 'gpu-a', labels: { team: 'ml' } },
  spec: { cell: 'us-east', gpuType: 'h100', instanceType: 'p5.48xlarge', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 1, max: 4 },
}));

const server = new InMemoryOperator();
let dir: string;
let env: Record<string, string>;

/** Writes a manifest into the test's temp dir and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Seeds two pools, a node, a deployment and a replica, as controllers would have written them. */
function seed(): void {
  server.put(wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', labels: { team: 'ml' } }, spec: { cell: 'us-east', gpuType: 'h100', tier: Tier.TIER_ON_DEMAND, min: 1, max: 4 }, status: { desired: 2, ready: 1 } })));
  server.put(wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-b', labels: { team: 'infra' } }, spec: { cell: 'eu-west', gpuType: 'a100', tier: Tier.TIER_PREEMPTIBLE, min: 0, max: 10 } })));
  server.put(wrap('node', Node.fromPartial({ metadata: { name: 'n-1' }, spec: { cell: 'us-east', pool: 'gpu-a', tier: Tier.TIER_ON_DEMAND, gpus: 8, unschedulable: true }, status: { phase: NodePhase.NODE_PHASE_READY } })));
  server.put(wrap('deployment', Deployment.fromPartial({ metadata: { name: 'llama' }, spec: { replicas: 3 }, status: { revision: 2, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } })));
  server.put(wrap('replica', Replica.fromPartial({ metadata: { name: 'llama-1' }, spec: { deployment: 'llama', cell: 'us-east', node: 'n-1' }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '10.0.0.1:8000', restarts: 1 } })));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

beforeAll(async () => {
  await server.start();
  dir = mkdtempSync(join(tmpdir(), 'helios-cli-'));
  env = { HELIOS_SERVER: server.address };
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => server.reset());

describe('helios apply', () => {
  it('has the server validate every document, then sends them in order and prints what happened to each', async () => {
    const result = await runCli(['apply', '-f', file('fleet.yaml', MANIFEST)], { env });
    expect(result).toEqual({ code: 0, stdout: 'cell/us-east created\nnodepool/gpu-a created\n', stderr: '' });
    expect(server.calls).toEqual([
      { method: 'apply', request: { resource: CELL, dryRun: true } },
      { method: 'apply', request: { resource: POOL, dryRun: true } },
      { method: 'apply', request: { resource: CELL, dryRun: false } },
      { method: 'apply', request: { resource: POOL, dryRun: false } },
    ]);
  });

  it('says unchanged and configured on later applies', async () => {
    const path = file('fleet.yaml', MANIFEST);
    await runCli(['apply', '-f', path], { env });
    expect((await runCli(['apply', '-f', path], { env })).stdout).toBe('cell/us-east unchanged\nnodepool/gpu-a unchanged\n');
    const changed = file('changed.yaml', MANIFEST.replace('max: 4', 'max: 6'));
    expect((await runCli(['apply', '-f', changed], { env })).stdout).toBe('cell/us-east unchanged\nnodepool/gpu-a configured\n');
  });

  it('passes --dry-run to the server and says so', async () => {
    const result = await runCli(['apply', '--dry-run', '-f', file('fleet.yaml', MANIFEST)], { env });
    expect(result).toEqual({ code: 0, stdout: 'cell/us-east created (dry run)\nnodepool/gpu-a created (dry run)\n', stderr: '' });
    expect(server.calls.map((c) => c.method === 'apply' && c.request.dryRun)).toEqual([true, true]);
  });

  it('reads JSON from stdin with -f - and takes -f several times', async () => {
    const json = JSON.stringify({ kind: 'Cell', metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1', zones: ['a', 'b'] } });
    const pool = file('pool.yaml', MANIFEST.split('---\n')[1]!);
    const result = await runCli(['apply', '-f', '-', '-f', pool], { env, input: json });
    expect(result).toEqual({ code: 0, stdout: 'cell/us-east created\nnodepool/gpu-a created\n', stderr: '' });
    expect(server.calls.map((c) => c.method === 'apply' && c.request.resource)).toEqual([CELL, POOL, CELL, POOL]);
  });

  it.each([
    ['an unknown field', MANIFEST.replace('  min: 1', '  minNode: 1'), 'document 2: spec.minNode: unknown field (did you mean "min"?)'],
    ['a bad enum value', MANIFEST.replace('tier: on-demand', 'tier: spot'), 'document 2: spec.tier: invalid value "spot" (allowed: Reserved, OnDemand, Preemptible)'],
    ['a wrong type', MANIFEST.replace('gpusPerNode: 8', 'gpusPerNode: eight'), 'document 2: spec.gpusPerNode: expected an integer, got string "eight"'],
    ['a YAML syntax error', MANIFEST.replace('  min: 1', '  min: 1\n  min: 2'), 'line 23: Map keys must be unique'],
  ])('sends nothing when any document has %s, and names it on one line', async (_what, text, message) => {
    const path = file('bad.yaml', text);
    const result = await runCli(['apply', '-f', path], { env });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `error: ${path}: ${message}\n` });
    expect(server.calls).toEqual([]);
  });

  it('reads the manifests of a directory in name order', async () => {
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests, { recursive: true });
    writeFileSync(join(manifests, '02-pool.yml'), MANIFEST.split('---\n')[1]!);
    writeFileSync(join(manifests, '01-cell.json'), JSON.stringify({ kind: 'Cell', metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1', zones: ['a', 'b'] } }));
    writeFileSync(join(manifests, 'README.md'), '# not a manifest');
    const result = await runCli(['apply', '-f', manifests], { env });
    expect(result).toEqual({ code: 0, stdout: 'cell/us-east created\nnodepool/gpu-a created\n', stderr: '' });
    expect(server.calls.map((c) => c.method === 'apply' && c.request.resource)).toEqual([CELL, POOL, CELL, POOL]);
  });

  it('sends nothing when a later file is bad', async () => {
    const good = file('good.yaml', MANIFEST);
    const bad = file('bad.json', '{"kind": "Cell", "metadata": {"name": "x"}, "spec": {"zone": "a"}}');
    const result = await runCli(['apply', '-f', good, '-f', bad], { env });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `error: ${bad}: spec.zone: unknown field (did you mean "zones"?)\n` });
    expect(server.calls).toEqual([]);
  });

  it("prints the server's refusal as it sent it and writes nothing, even for the valid documents", async () => {
    const result = await runCli(['apply', '-f', file('fleet.yaml', MANIFEST.replace('max: 4', 'max: 0'))], { env });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: NodePool "gpu-a": spec.min: must be <= spec.max\n' });
    expect(server.calls.map((c) => c.method === 'apply' && c.request.dryRun)).toEqual([true, true]);
  });

  it('is a usage error without -f, and a plain error for a missing file', async () => {
    expect(await runCli(['apply'], { env })).toEqual({ code: 2, stdout: '', stderr: 'error: apply needs -f FILE (a file, a directory, or - for stdin)\n' });
    const missing = join(dir, 'nope.yaml');
    expect(await runCli(['apply', '-f', missing], { env })).toEqual({ code: 1, stdout: '', stderr: `error: ${missing}: no such file or directory\n` });
    expect(server.calls).toEqual([]);
  });
});

describe('helios get', () => {
  beforeEach(() => {
    seed();
    server.calls.length = 0;
  });

  it('prints an aligned table per kind', async () => {
    const cases: [string[], string][] = [
      [['get', 'pools'], [
        'NAME    CELL      TIER          GPU    MIN   MAX   DESIRED   READY   AGE',
        'gpu-a   us-east   OnDemand      h100   1     4     2         1       3d',
        'gpu-b   eu-west   Preemptible   a100   0     10    0         0       3d',
      ].join('\n')],
      [['get', 'no'], [
        'NAME   CELL      POOL    TIER       GPUS   PHASE                      AGE',
        'n-1    us-east   gpu-a   OnDemand   8      Ready,SchedulingDisabled   3d',
      ].join('\n')],
      [['get', 'deploy'], [
        'NAME    DESIRED   CURRENT   READY   UPDATED   AVAILABLE   MIN      MAX      SIGNAL   REVISION   AGE',
        'llama   3         0         2       3         2           <none>   <none>   <none>   2          3d',
      ].join('\n')],
      [['get', 'replicas'], [
        'NAME      DEPLOYMENT   CELL      NODE   PHASE   ENDPOINT        RESTARTS   AGE',
        'llama-1   llama        us-east   n-1    Ready   10.0.0.1:8000   1          3d',
      ].join('\n')],
    ];
    for (const [args, table] of cases) {
      expect(await runCli(args, { env })).toEqual({ code: 0, stdout: `${table}\n`, stderr: '' });
    }
    expect(server.calls.map((c) => c.method === 'list' && c.request.kind)).toEqual([Kind.KIND_NODE_POOL, Kind.KIND_NODE, Kind.KIND_DEPLOYMENT, Kind.KIND_REPLICA]);
  });

  it('adds columns with -o wide', async () => {
    const result = await runCli(['get', 'np', 'gpu-b', '-o', 'wide'], { env });
    expect(result.stdout).toBe([
      'NAME    CELL      TIER          GPU    MIN   MAX   DESIRED   READY   INSTANCE-TYPE   GPUS/NODE   ZONE     RESERVATION   GPUS   FREE   UNHEALTHY   AGE',
      'gpu-b   eu-west   Preemptible   a100   0     10    0         0       <none>          0           <none>   <none>        0/0    0      0           3d',
      '',
    ].join('\n'));
  });

  it('prints a List in the display shape with -o json, and one object alone when named', async () => {
    const list = await runCli(['get', 'pools', '-o', 'json'], { env });
    expect(list.code).toBe(0);
    const parsed = JSON.parse(list.stdout);
    expect(parsed.apiVersion).toBe('helios/v1');
    expect(parsed.kind).toBe('List');
    expect(parsed.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['gpu-a', 'gpu-b']);
    expect(parsed.items[0]).toEqual({
      apiVersion: 'helios/v1',
      kind: 'NodePool',
      metadata: { name: 'gpu-a', uid: 'uid-gpu-a', generation: 1, resourceVersion: expect.any(Number), labels: { team: 'ml' }, createdAt: expect.any(String) },
      spec: { cell: 'us-east', gpuType: 'h100', tier: 'OnDemand', min: 1, max: 4 },
      status: { desired: 2, ready: 1 },
    });

    const one = await runCli(['get', 'pool', 'gpu-a', '-o', 'json'], { env });
    expect(JSON.parse(one.stdout)).toEqual(parsed.items[0]);
    expect(server.calls.at(-1)).toEqual({ method: 'get', request: { kind: Kind.KIND_NODE_POOL, name: 'gpu-a', parent: '' } });
  });

  it('prints YAML with -o yaml that apply takes back', async () => {
    const result = await runCli(['get', 'pool', 'gpu-b', '-o', 'yaml'], { env });
    expect(result.stdout).toMatch(/^apiVersion: helios\/v1\nkind: NodePool\nmetadata:\n {2}name: gpu-b\n/);
    expect(result.stdout).toContain('  tier: Preemptible\n');
    server.reset();
    const again = await runCli(['apply', '-f', '-'], { env, input: result.stdout });
    expect(again).toEqual({ code: 0, stdout: 'nodepool/gpu-b created\n', stderr: '' });
  });

  it('prints kind/name lines with -o name', async () => {
    expect((await runCli(['get', 'pools', '-o', 'name'], { env })).stdout).toBe('nodepool/gpu-a\nnodepool/gpu-b\n');
  });

  it('sends the label selector and the parent filter', async () => {
    const result = await runCli(['get', 'pools', '-l', 'team=ml', '--cell', 'us-east', '-o', 'name'], { env });
    expect(result.stdout).toBe('nodepool/gpu-a\n');
    expect(server.calls).toEqual([{ method: 'list', request: { kind: Kind.KIND_NODE_POOL, parent: 'us-east', labelSelector: { team: 'ml' } } }]);
    await runCli(['get', 'replicas', '--deployment', 'llama', '-l', 'a=1,b==2'], { env });
    expect(server.calls.at(-1)).toEqual({ method: 'list', request: { kind: Kind.KIND_REPLICA, parent: 'llama', labelSelector: { a: '1', b: '2' } } });
  });

  it('says so on stderr when nothing matches', async () => {
    expect(await runCli(['get', 'cells'], { env })).toEqual({ code: 0, stdout: '', stderr: 'No resources found.\n' });
  });

  it("prints the server's not-found as one line", async () => {
    expect(await runCli(['get', 'pool', 'nope'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: NodePool "nope" not found\n' });
  });

  it.each([
    [['get', 'pods'], 'error: unknown resource type "pods" (known: cell|cells, nodepool|nodepools|pool|pools|np, node|nodes|no, deployment|deployments|deploy, replica|replicas|rep)\n'],
    [['get', 'pools', '-o', 'xml'], "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, wide, json, yaml, name.\n"],
    [['get', 'pools', '-l', 'team!=ml'], 'error: label selector "team!=ml": only key=value terms are supported\n'],
    [['get', 'pools', 'gpu-a', '-l', 'team=ml'], 'error: a NAME and a label selector (-l) cannot be combined\n'],
    [['get', 'replicas', '--cell', 'us-east'], 'error: --cell applies only to nodepools and nodes\n'],
    [['get', 'pools', '--timeout', 'soon'], 'error: --timeout "soon": expected a duration like 500ms, 10s, 1m30s or a number of seconds\n'],
    [['get'], "error: missing required argument 'kind'\n"],
    [['frobnicate'], "error: unknown command 'frobnicate'\n"],
  ])('%j is a usage error: exit 2, one line, nothing sent', async (args, stderr) => {
    expect(await runCli(args, { env })).toEqual({ code: 2, stdout: '', stderr });
    expect(server.calls).toEqual([]);
  });
});

describe('helios get -w', () => {
  it('prints the table, then a row per change, until Ctrl-C', async () => {
    seed();
    const run = startCli(['get', 'pools', '-w'], { env });
    await waitFor('the initial table and the watch', () => run.stdout.split('\n').length >= 4 && server.watcherCount === 1);
    expect(run.stdout).toBe([
      'NAME    CELL      TIER          GPU    MIN   MAX   DESIRED   READY   AGE',
      'gpu-a   us-east   OnDemand      h100   1     4     2         1       3d',
      'gpu-b   eu-west   Preemptible   a100   0     10    0         0       3d',
      '',
    ].join('\n'));
    const list = server.calls.find((c) => c.method === 'list');
    expect(server.calls.find((c) => c.method === 'watch')).toEqual({
      method: 'watch',
      request: { kind: Kind.KIND_NODE_POOL, parent: '', labelSelector: {}, resourceVersion: expect.any(Number), sendInitialEvents: false },
    });
    expect(list).toBeDefined();

    server.put(wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-c' }, spec: { cell: 'us-east', gpuType: 'h100', tier: Tier.TIER_RESERVED, min: 2, max: 2 } })));
    await waitFor('the added row', () => run.stdout.includes('gpu-c'));
    expect(run.stdout.split('\n').at(-2)).toBe('gpu-c   us-east   Reserved      h100   2     2     0         0       3d');

    run.child.kill('SIGINT');
    expect(await run.done).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
  });
});

describe('helios describe', () => {
  it('prints metadata, spec, status and conditions', async () => {
    server.put(wrap('node', Node.fromPartial({
      metadata: { name: 'n-1', labels: { zone: 'a' } },
      spec: { cell: 'us-east', pool: 'gpu-a', tier: Tier.TIER_RESERVED, gpus: 2 },
      status: { phase: NodePhase.NODE_PHASE_NOT_READY, gpus: [{ index: 0, healthy: true }, { index: 1 }], conditions: [{ type: 'Ready', status: 'False', reason: 'LeaseExpired', message: 'no heartbeat' }] },
    })));
    const result = await runCli(['describe', 'node', 'n-1'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Name: +n-1\nKind: +Node\nLabels: +zone=a\nAnnotations: +<none>\nUID: +uid-n-1\n/);
    expect(result.stdout).toMatch(/\nSpec:\n {2}Cell: +us-east\n {2}Pool: +gpu-a\n {2}Tier: +Reserved\n {2}GPUs: +2\n/);
    expect(result.stdout).toMatch(/\nStatus:\n {2}Phase: +NotReady\n {2}GPUs:\n {4}Healthy +Index\n {4}true +<none>\n {4}<none> +1\n/);
    expect(result.stdout).toMatch(/\nConditions:\n {2}Type +Status +Reason +Message +Age\n {2}Ready +False +LeaseExpired +no heartbeat +<none>\n$/);
  });
});

describe('helios delete', () => {
  it('deletes by name and by manifest', async () => {
    seed();
    server.calls.length = 0;
    expect(await runCli(['delete', 'pool', 'gpu-b', '--cell', 'eu-west'], { env })).toEqual({ code: 0, stdout: 'nodepool "gpu-b" deleted\n', stderr: '' });
    expect(server.calls).toEqual([{ method: 'delete', request: { kind: Kind.KIND_NODE_POOL, name: 'gpu-b', parent: 'eu-west', resourceVersion: 0 } }]);

    const result = await runCli(['delete', '-f', file('pool.yaml', MANIFEST.split('---\n')[1]!)], { env });
    expect(result).toEqual({ code: 0, stdout: 'nodepool "gpu-a" deleted\n', stderr: '' });
    expect(server.calls.at(-1)).toEqual({ method: 'delete', request: { kind: Kind.KIND_NODE_POOL, name: 'gpu-a', parent: 'us-east', resourceVersion: 0 } });
  });

  it('fails on an absent object unless --ignore-not-found', async () => {
    expect(await runCli(['delete', 'deploy', 'ghost'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: Deployment "ghost" not found\n' });
    expect(await runCli(['delete', 'deploy', 'ghost', '--ignore-not-found'], { env })).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('helios scale', () => {
  it('sets the replicas of a deployment', async () => {
    seed();
    server.calls.length = 0;
    expect(await runCli(['scale', 'deployment/llama', '--replicas', '5'], { env })).toEqual({ code: 0, stdout: 'deployment/llama scaled\n', stderr: '' });
    expect(server.calls).toEqual([{ method: 'scale', request: { deployment: 'llama', replicas: 5 } }]);
    expect((await runCli(['get', 'deploy', 'llama', '-o', 'json'], { env })).stdout).toContain('"replicas": 5');
    expect(await runCli(['scale', 'deploy', 'ghost', '--replicas', '1'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: Deployment "ghost" not found\n' });
  });

  it.each([
    [['scale', 'deployment/llama'], 'error: scale needs --replicas N\n'],
    [['scale', 'deployment/llama', '--replicas', 'many'], 'error: --replicas "many": expected a whole number >= 0\n'],
    [['scale', 'pool/gpu-a', '--replicas', '1'], 'error: scale works on deployments, got "pool/gpu-a": give deployment/NAME\n'],
  ])('%j is a usage error', async (args, stderr) => {
    expect(await runCli(args, { env })).toEqual({ code: 2, stdout: '', stderr });
    expect(server.calls).toEqual([]);
  });
});

describe('helios rollout', () => {
  const STATUS = DeploymentStatus.fromPartial({
    revision: 2,
    stableRevision: 1,
    history: [
      { revision: 1, templateHash: 'a', template: { command: ['model-server', '--version=v1'] }, createdAt: '2025-01-01T00:00:00.000Z' },
      { revision: 2, templateHash: 'b', template: { command: ['model-server', '--version=v2'] }, createdAt: '2025-01-02T00:00:00.000Z' },
    ],
  });
  /** Puts deployment web: 3 replicas at generation `generation`, the status given. */
  const web = (status: Partial<DeploymentStatus>, generation = 2) =>
    server.put(
      wrap('deployment', Deployment.fromPartial({ metadata: { name: 'web' }, spec: { replicas: 3, template: { command: ['model-server', '--version=v2'] } }, status: { ...STATUS, ...status } })),
      { generation },
    );

  it.each([
    { verb: 'pause', action: RolloutAction.ROLLOUT_ACTION_PAUSE, printed: 'deployment/web paused' },
    { verb: 'resume', action: RolloutAction.ROLLOUT_ACTION_RESUME, printed: 'deployment/web resumed' },
    { verb: 'restart', action: RolloutAction.ROLLOUT_ACTION_RESTART, printed: 'deployment/web restarted' },
  ])('$verb sends the action and says so', async ({ verb, action, printed }) => {
    web({});
    expect(await runCli(['rollout', verb, 'deployment/web'], { env })).toEqual({ code: 0, stdout: `${printed}\n`, stderr: '' });
    expect(server.calls).toEqual([{ method: 'rollout', request: { deployment: 'web', action, toRevision: 0 } }]);
  });

  it('undoes to the previous or a named revision, and reports a revision that is not recorded', async () => {
    web({});
    expect(await runCli(['rollout', 'undo', 'deployment/web'], { env })).toEqual({ code: 0, stdout: 'deployment/web rolled back\n', stderr: '' });
    expect(await runCli(['rollout', 'undo', 'deploy', 'web', '--to-revision', '2'], { env })).toEqual({ code: 0, stdout: 'deployment/web rolled back to revision 2\n', stderr: '' });
    expect(server.calls.map((c) => c.method === 'rollout' && c.request.toRevision)).toEqual([0, 2]);
    expect(await runCli(['rollout', 'undo', 'deployment/web', '--to-revision', '7'], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Deployment "web": toRevision: revision 7 is not in the rollout history\n',
    });
    expect(await runCli(['rollout', 'undo', 'deployment/web', '--to-revision', 'latest'], { env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --to-revision "latest": expected a revision number (1, 2, ...)\n',
    });
  });

  it('prints the history, and one revision in full', async () => {
    web({});
    const history = await runCli(['rollout', 'history', 'deployment/web'], { env });
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^deployment\/web\nREVISION +STATE +AGE +TEMPLATE\n1 +stable +\S+ +model-server --version=v1\n2 +current +\S+ +model-server --version=v2\n$/);
    const one = await runCli(['rollout', 'history', 'deployment/web', '--revision', '1'], { env });
    expect(one.stdout).toBe('deployment/web revision 1\ntemplateHash: a\ncreatedAt: 2025-01-01T00:00:00.000Z\ntemplate:\n  command:\n    - model-server\n    - --version=v1\n');
    expect(await runCli(['rollout', 'history', 'deployment/web', '--revision', '5'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: deployment "web" has no revision 5 in its history\n' });
  });

  it('status follows the rollout until it completes (exit 0)', async () => {
    web({ observedGeneration: 1 });
    const run = startCli(['rollout', 'status', 'deployment/web'], { env });
    await waitFor('the first line and the watch', () => run.stdout.includes('\n') && server.watcherCount === 1);
    web({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 });
    web({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 });
    web({ observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 });
    web({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 });
    web({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(await run.done).toEqual({
      code: 0,
      stdout: [
        'Waiting for deployment spec update to be observed...',
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
        'deployment "web" successfully rolled out',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('status fails (exit 1) when the rollout is rolled back automatically', async () => {
    web({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 });
    const run = startCli(['rollout', 'status', 'deployment/web'], { env });
    await waitFor('the watch', () => server.watcherCount === 1);
    const message = 'revision 2 rolled back to the template of revision 1: it made no progress for 10s';
    web({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3, conditions: [{ type: 'RolledBack', status: 'True', reason: 'ProgressDeadlineExceeded', message, lastTransitionTime: '2025-01-03T00:00:00.000Z' }] }, 3);
    expect(await run.done).toEqual({
      code: 1,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n',
      stderr: `error: deployment "web" rollout failed and was rolled back: ${message}\n`,
    });
  });

  it('status ends at once for a rollout already complete, and fails for an unknown deployment', async () => {
    web({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(await runCli(['rollout', 'status', 'deployment/web'], { env })).toEqual({ code: 0, stdout: 'deployment "web" successfully rolled out\n', stderr: '' });
    expect(await runCli(['rollout', 'status', 'deployment/nope'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: Deployment "nope" not found\n' });
  });

  it('status stops waiting on Ctrl-C (exit 130)', async () => {
    web({ observedGeneration: 1 });
    const run = startCli(['rollout', 'status', 'deployment/web'], { env });
    await waitFor('the watch', () => server.watcherCount === 1);
    run.child.kill('SIGINT');
    expect(await run.done).toEqual({
      code: 130,
      stdout: 'Waiting for deployment spec update to be observed...\n',
      stderr: 'error: stopped waiting for deployment "web": the rollout goes on\n',
    });
  });

  it('lists the replicas of a deployment by label', async () => {
    server.put(wrap('replica', Replica.fromPartial({ metadata: { name: 'web-2-bcdfg', labels: { deployment: 'web' } }, spec: { deployment: 'web', revision: 2 }, status: { phase: ReplicaPhase.REPLICA_PHASE_PENDING } })));
    server.put(wrap('replica', Replica.fromPartial({ metadata: { name: 'other-1-bcdfg', labels: { deployment: 'other' } }, spec: { deployment: 'other', revision: 1 } })));
    const result = await runCli(['get', 'replicas', '-l', 'deployment=web', '-o', 'name'], { env });
    expect(result).toEqual({ code: 0, stdout: 'replica/web-2-bcdfg\n', stderr: '' });
    expect(server.calls.at(-1)).toEqual({ method: 'list', request: { kind: Kind.KIND_REPLICA, parent: '', labelSelector: { deployment: 'web' } } });
  });
});

describe('addressing the control plane', () => {
  it('says in one line that an unreachable control plane is not running', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    for (const args of [['get', 'pools'], ['apply', '-f', file('fleet.yaml', MANIFEST)], ['get', 'pools', '-w'], ['delete', 'pool', 'x']]) {
      const result = await runCli([...args, '--server', address]);
      expect(result).toEqual({ code: 1, stdout: '', stderr: `error: cannot reach the control plane at ${address} (is it running? start it with npm start)\n` });
    }
  });

  it('takes --server over HELIOS_SERVER', async () => {
    seed();
    const address = `127.0.0.1:${await closedPort()}`;
    const viaFlag = await runCli(['get', 'pools', '-o', 'name', '--server', server.address], { env: { HELIOS_SERVER: address } });
    expect(viaFlag.stdout).toBe('nodepool/gpu-a\nnodepool/gpu-b\n');
    const viaEnv = await runCli(['get', 'pools'], { env: { HELIOS_SERVER: address } });
    expect(viaEnv.stderr).toContain(`cannot reach the control plane at ${address}`);
  });

  it('defaults to 127.0.0.1:50051, the local fleet', async () => {
    // Whether something listens on 50051 depends on the machine, so read the default from --help.
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--server <address> control plane gRPC address (host:port) (default: "127.0.0.1:50051", env: HELIOS_SERVER)');
  });
});

describe('helios token', () => {
  it('creates a token, printing it alone on stdout and what it allows on stderr', async () => {
    const result = await runCli(['token', 'create', '--cell', 'us-east', '--pool', 'gpu-a', '--uses', '3', '--ttl', '2h', '--description', 'rack 4'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('tok001.0123456789abcdef\n');
    expect(result.stderr).toContain('token tok001: cell us-east, pool gpu-a, 3 joins, expires in ');
    expect(result.stderr).toContain('it is not shown again');
    expect(server.calls).toEqual([{ method: 'createBootstrapToken', request: { cell: 'us-east', pool: 'gpu-a', uses: 3, ttlSeconds: 7200, description: 'rack 4' } }]);
  });

  it('sends the defaults to the server as zeros (single use, one hour)', async () => {
    expect((await runCli(['token', 'create', '--cell', 'us-east'], { env })).code).toBe(0);
    expect(server.calls).toEqual([{ method: 'createBootstrapToken', request: { cell: 'us-east', pool: '', uses: 0, ttlSeconds: 0, description: '' } }]);
  });

  it('lists tokens without secrets, of one cell or all, and deletes by id', async () => {
    await runCli(['token', 'create', '--cell', 'us-east'], { env });
    await runCli(['token', 'create', '--cell', 'eu-west', '--pool', 'gpu-b'], { env });
    const all = await runCli(['token', 'list'], { env });
    expect(all.stdout.split('\n')[0]).toMatch(/^ID\s+CELL\s+POOL\s+USES LEFT\s+EXPIRES IN\s+DESCRIPTION$/);
    expect(all.stdout).toMatch(/tok001\s+us-east\s+<any>\s+1\s/);
    expect(all.stdout).toMatch(/tok002\s+eu-west\s+gpu-b\s+1\s/);
    expect(all.stdout).not.toContain('0123456789abcdef');
    const one = await runCli(['token', 'list', '--cell', 'eu-west'], { env });
    expect(one.stdout).not.toContain('tok001');
    expect(await runCli(['token', 'delete', 'tok001'], { env })).toEqual({ code: 0, stdout: 'token tok001 deleted\n', stderr: '' });
    expect(await runCli(['token', 'delete', 'tok001'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: bootstrap token tok001 not found (deleted, used up or expired)\n' });
    expect(await runCli(['token', 'list', '--cell', 'us-east'], { env })).toEqual({ code: 0, stdout: '', stderr: 'No bootstrap tokens for cell us-east.\n' });
  });

  it('reports the server refusing a request as an error', async () => {
    expect(await runCli(['token', 'create', '--cell', 'us-east', '--uses', '1001'], { env })).toEqual({ code: 1, stdout: '', stderr: 'error: bootstrap token: uses: must be an integer from 1 to 1000, got 1001\n' });
  });

  it.each([
    [['token', 'create'], 'error: token create needs --cell C: the cell a node joining with the token belongs to\n'],
    [['token', 'create', '--cell', 'c1', '--uses', 'many'], 'error: --uses "many": expected a whole number of joins, 1 to 1000\n'],
    [['token', 'create', '--cell', 'c1', '--ttl', 'soon'], 'error: --ttl "soon": expected a duration like 500ms, 10s, 1m30s or a number of seconds\n'],
    [['token', 'create', '--cell', 'c1', '--ttl', '1500ms'], 'error: --ttl "1500ms": expected whole seconds, 1m to 168h\n'],
  ])('%j is a usage error', async (args, stderr) => {
    expect(await runCli(args, { env })).toEqual({ code: 2, stdout: '', stderr });
    expect(server.calls).toEqual([]);
  });
});
