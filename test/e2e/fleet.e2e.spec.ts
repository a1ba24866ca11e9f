/**
 * The walking skeleton end to end, with real processes: a control plane and a cell agent
 * (simulated cloud) against the test run's etcd, driven by the real `helios` CLI.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '@helios/etcd-process';
import { REPO_ROOT, launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MANIFEST = `
apiVersion: helios/v1
kind: Cell
metadata: { name: e2e-a }
spec: { provider: sim, region: local-1, zones: [local-1a] }
---
apiVersion: helios/v1
kind: NodePool
metadata: { name: e2e-a-reserved }
spec: { cell: e2e-a, gpuType: h100, instanceType: sim.8xh100, gpusPerNode: 8, tier: reserved, min: 2, max: 4 }
---
apiVersion: helios/v1
kind: NodePool
metadata: { name: e2e-a-ondemand }
spec: { cell: e2e-a, gpuType: h100, instanceType: sim.8xh100, gpusPerNode: 8, tier: on-demand, min: 1, max: 4 }
---
apiVersion: helios/v1
kind: NodePool
metadata: { name: e2e-a-spot }
spec: { cell: e2e-a, gpuType: h100, instanceType: sim.8xh100, gpusPerNode: 8, tier: preemptible, min: 1, max: 4 }
`;

describe('local fleet end to end', () => {
  const root = `/e2e/${randomUUID()}/helios/v1`;
  const dir = mkdtempSync(join(tmpdir(), 'helios-e2e-'));
  const procs: ComponentProcess[] = [];
  let server = '';

  const helios = (...args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/helios.js'), '--server', server, ...args], { cwd: dir }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    const etcd = inject('etcdEndpoint');
    const grpcPort = await freePort();
    const metricsPort = await freePort();
    server = `127.0.0.1:${grpcPort}`;
    procs.push(
      launchComponent({
        name: 'control-plane',
        entry: 'apps/control-plane/src/main.ts',
        args: ['--etcd', etcd, '--root', root, '--grpc-addr', server, '--metrics-addr', `127.0.0.1:${metricsPort}`],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'control-plane.log'),
      }),
      launchComponent({
        name: 'cell-agent',
        entry: 'apps/cell-agent/src/main.ts',
        args: ['--etcd', etcd, '--root', root, '--cell', 'e2e-a', '--provider', 'sim', '--node-lease-ttl', '2', '--control-plane', server],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'cell-agent.log'),
      }),
    );
    await waitFor('the control plane to serve', async () => (await helios('get', 'cells')).code === 0, 60_000, 300);
  }, 90_000);

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => p.stop('SIGTERM', 10_000)));
    // Both components exit cleanly on SIGTERM.
    expect(codes).toEqual([0, 0]);
  });

  it('rejects a bad manifest with the field named and writes nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, MANIFEST.replace('min: 2, max: 4', 'min: 5, max: 4'));
    const res = await helios('apply', '-f', bad);
    expect(res.code).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/spec\.min/);
    const cells = await helios('get', 'cells', '-o', 'json');
    expect(JSON.parse(cells.stdout).items).toEqual([]);

    writeFileSync(bad, MANIFEST.replace('gpusPerNode: 8, tier: reserved', 'gpusPerNode: 8, tier: reserved, color: blue'));
    const unknown = await helios('apply', '-f', bad);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/spec\.color/);
    expect(JSON.parse((await helios('get', 'pools', '-o', 'json')).stdout).items).toEqual([]);
  });

  it('applies a manifest and sees the simulated nodes Ready in every tier', async () => {
    const file = join(dir, 'fleet.yaml');
    writeFileSync(file, MANIFEST);
    const applied = await helios('apply', '-f', file);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/nodepool\/e2e-a-spot created/i);

    type Item = { metadata: { name: string }; spec: { cell: string; tier: string }; status?: { phase?: string } };
    const nodes = await waitFor(
      'four Ready nodes',
      async () => {
        const res = await helios('get', 'nodes', '-o', 'json');
        if (res.code !== 0) return undefined;
        const items = (JSON.parse(res.stdout) as { items: Item[] }).items;
        return items.filter((n) => n.status?.phase === 'Ready').length === 4 ? items : undefined;
      },
      60_000,
      500,
    );
    expect(new Set(nodes.map((n) => n.spec.cell))).toEqual(new Set(['e2e-a']));
    expect(nodes.map((n) => n.spec.tier).sort()).toEqual(['OnDemand', 'Preemptible', 'Reserved', 'Reserved']);

    const again = await helios('apply', '-f', file);
    expect(again.stdout).toMatch(/nodepool\/e2e-a-spot unchanged/i);
  });
});
