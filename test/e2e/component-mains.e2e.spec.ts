import { launchComponent, type ComponentProcess } from '@helios/launcher';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const logs = mkdtempSync(join(tmpdir(), 'helios-mains-'));

let runs = 0;

/** Runs an app's main to its end, its stdout and stderr kept apart (and in a log file each). */
async function run(entry: string, args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc: ComponentProcess = launchComponent({ name: entry, entry, args, env: { HELIOS_LOG_FORMAT: 'json' }, logFile: join(logs, `run-${++runs}.log`) });
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await proc.exited;
  return { code, stdout, stderr };
}

// Every component main, with one flag and one environment variable its help must list.
const MAINS = [
  { name: 'control-plane', flag: '--scale-down-cooldown-seconds', env: 'HELIOS_SCALE_DOWN_COOLDOWN_SECONDS', defaultText: '(default: 300)' },
  { name: 'cell-agent', flag: '--unknown-instance-grace-ms', env: 'HELIOS_UNKNOWN_INSTANCE_GRACE_MS', defaultText: '(default: 600000)' },
  { name: 'node-agent', flag: '--termination-grace-seconds', env: 'HELIOS_TERMINATION_GRACE_SECONDS', defaultText: '(default: 10)' },
  { name: 'router', flag: '--eject-ms', env: 'HELIOS_ROUTER_EJECT_MS', defaultText: '(default: 5000)' },
  { name: 'model-server', flag: '--shutdown-timeout-ms', env: 'MODEL_SHUTDOWN_TIMEOUT_MS', defaultText: '(default: 30000)' },
  { name: 'local-fleet', flag: '--node-lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', defaultText: '(default: 5)' },
];

describe('the component mains', () => {
  it.each(MAINS)('$name: --help lists every setting and exits 0; an unknown flag is a usage error, exit 2', async ({ name, flag, env, defaultText }) => {
    const entry = `apps/${name}/src/main.ts`;
    const help = await run(entry, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Helios |^The local Helios fleet/);
    expect(help.stdout).toMatch(/\nUsage: /);
    expect(help.stdout).toMatch(/-h, --help +print this help and exit/);
    const line = help.stdout.split('\n').find((l) => l.startsWith(`  ${flag} `));
    expect(line).toContain(env);
    expect(line).toContain(defaultText);

    expect(await run(entry, ['--no-such-flag'])).toEqual({ code: 2, stdout: '', stderr: `${name}: unknown flag --no-such-flag\nRun with --help to list the settings.\n` });
  });

  it.each([
    { name: 'cell-agent', args: [], message: '--cell is required' },
    { name: 'node-agent', args: [], message: '--pool is required' },
    { name: 'node-agent', args: ['--pool', 'p', '--control-plane', 'a:1,b'], message: '--control-plane: "b" is not host:port' },
    { name: 'router', args: [], message: '--deployment is required' },
    { name: 'control-plane', args: ['--grpc-addr', 'nowhere'], message: '--grpc-addr: "nowhere" is not host:port' },
  ])('$name $args: "$message", exit 2, nothing started', async ({ name, args, message }) => {
    expect(await run(`apps/${name}/src/main.ts`, args)).toEqual({ code: 2, stdout: '', stderr: `${name}: ${message}\nRun with --help to list the settings.\n` });
  });
});
