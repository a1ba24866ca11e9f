// spec-project: e2e (NodeHosts starts the stub node agent as a real process)
import { Tier } from '@helios/api';
import { REPO_ROOT, waitFor } from '@helios/launcher';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHosts } from './sim-node-hosts';
import { SimProvider } from './sim-provider';

describe('NodeHosts', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("starts the node agent its caller names, with the instance's flags, and stops it when the instance is terminated", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-hosts-'));
    // Stands in for a node agent: prints the flags it was given, exits 0 on SIGTERM.
    const entry = join(dir, 'stub-node-agent.ts');
    writeFileSync(
      entry,
      [
        "console.log('argv', process.argv.slice(2).join(' '));",
        "console.log('token', process.env.HELIOS_BOOTSTRAP_TOKEN);",
        "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });",
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    const sim = new SimProvider({ launchLatencyMs: 0, idPrefix: 'i-' });
    const hosts = new NodeHosts(sim, { nodeAgent: { entry: relative(REPO_ROOT, entry) }, controlPlane: '127.0.0.1:1,127.0.0.1:2', token: (cell) => `${cell}tok.s3cr3t`, logDir: dir, leaseTtl: 3, drainSeconds: 1 });
    cleanup.push(() => sim.close(), () => hosts.stop());
    hosts.start();

    const template = { cell: 'c1', pool: 'spot', region: 'sim-1', zone: 'sim-1a', instanceType: 'sim.h100x4', gpuType: 'h100', gpusPerNode: 4, tier: Tier.TIER_PREEMPTIBLE };
    const [instance] = await sim.launch({ template, count: 1, token: 't1', nodeNames: ['spot-0'] });
    const log = join(dir, 'node-agent-spot-0.log');
    const argv = await waitFor('the stub to print its flags', () => (existsSync(log) ? /^argv (.*)$/m.exec(readFileSync(log, 'utf8'))?.[1] : undefined), 20_000);
    expect(hosts.nodes).toEqual(['spot-0']);
    expect(argv).toContain('--control-plane 127.0.0.1:1,127.0.0.1:2 --pool spot --node spot-0 --tier preemptible --gpu-type h100 --gpus 4');
    expect(argv).not.toContain('s3cr3t');
    expect(readFileSync(log, 'utf8')).toContain('token c1tok.s3cr3t');
    expect(argv).toContain(`--provider-id ${instance!.id} --zone sim-1a`);
    expect(argv).toContain('--lease-ttl 3 --runtime process');

    await sim.terminate([instance!.id]);
    await waitFor('the stub to stop', () => hosts.nodes.length === 0, 20_000);
    expect(readFileSync(log, 'utf8')).toContain('bye');
  });
});
