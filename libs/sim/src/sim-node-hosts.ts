import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tier, tierOfWord, tierWord } from '@helios/api';
import { REPO_ROOT, launchComponent, type ComponentProcess } from '@helios/launcher';
import { procStatField } from '@helios/replica-runtime';
import type { SimInstanceEvent, SimProvider } from './sim-provider';

/**
 * The node agent a host starts: a TypeScript entry point relative to the repository root, run
 * the way launchComponent runs one, with the host's flags (--cell, --node, ...) after it. The
 * composition root names it (`{ entry: 'apps/node-agent/src/main.ts' }`): a library starts no
 * app by its path.
 */
export interface NodeAgentCommand {
  entry: string;
}

/** How the simulated hosts run. */
export interface NodeHostOptions {
  nodeAgent: NodeAgentCommand;
  /** Control-plane gRPC addresses, `host:port[,host:port]`: the agents reach nothing else. */
  controlPlane: string;
  /** The bootstrap token a host of this cell joins with (handed over in its environment, not its argv). */
  token: (cell: string) => string;
  logDir: string;
  leaseTtl: number;
  drainSeconds: number;
}


/**
 * The hosts of the sim cloud: every instance that turns running gets a real node-agent process
 * (`nodeAgent`, process runtime) that joins the control plane with its cell's bootstrap token and
 * runs its replicas as real child processes; every
 * terminated instance's agent is stopped. `kill` plays a host dying: the agent and its replicas
 * are SIGKILLed together, its lease is left to expire.
 */
export class NodeHosts {
  private readonly hosts = new Map<string, ComponentProcess>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly sim: SimProvider,
    private readonly options: NodeHostOptions,
  ) {}

  /** Follows the sim's instances. */
  start(): void {
    this.unsubscribe.push(
      this.sim.onInstanceRunning((e) => this.boot(e)),
      this.sim.onInstanceTerminated((e) => void this.hosts.get(e.instance.node)?.stop('SIGTERM', 15_000)),
    );
  }

  /** Names of the nodes with a live agent process. */
  get nodes(): string[] {
    return [...this.hosts.entries()].filter(([, p]) => p.child.exitCode === null && p.child.signalCode === null).map(([n]) => n);
  }

  /**
   * Kills a host at once: collects its agent's children (the replicas, each leading its own
   * process group), SIGKILLs the agent (so it cannot react), then every replica group.
   * Returns the number of replica processes killed. Linux: children are read from /proc.
   */
  kill(node: string): number {
    const host = this.hosts.get(node);
    const pid = host?.child.pid;
    if (!host || pid === undefined) throw new Error(`no running host for node ${node}`);
    const children = childrenOf(pid);
    host.child.kill('SIGKILL');
    for (const child of children) {
      try {
        process.kill(-child, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return children.length;
  }

  /** Stops every agent (SIGTERM: they stop their replicas and revoke their leases). */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all([...this.hosts.values()].map((h) => h.stop('SIGTERM', 15_000)));
  }

  private boot({ instance, template }: SimInstanceEvent): void {
    const o = this.options;
    const host = launchComponent({
      name: `node-agent/${instance.node}`,
      entry: o.nodeAgent.entry,
      args: [
        '--control-plane', o.controlPlane,
        '--pool', instance.pool,
        '--node', instance.node,
        '--tier', tierWord(bootTier(template.tier)),
        '--gpu-type', template.gpuType,
        '--gpus', String(template.gpusPerNode),
        '--provider-id', instance.id,
        '--zone', instance.zone,
        '--address', '127.0.0.1',
        '--lease-ttl', String(o.leaseTtl),
        '--runtime', 'process',
        '--replica-cwd', REPO_ROOT,
        '--replica-logs', join(o.logDir, 'replicas'),
        '--state-dir', join(o.logDir, 'state', instance.node),
        '--drain-seconds', String(o.drainSeconds),
      ],
      env: { HELIOS_LOG_FORMAT: 'json', HELIOS_BOOTSTRAP_TOKEN: o.token(instance.cell) },
      logFile: join(o.logDir, `node-agent-${instance.node}.log`),
    });
    this.hosts.set(instance.node, host);
  }
}

/** The pids whose parent is `pid`, from /proc/<pid>/stat (field 4). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(procStatField(stat, 4));
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

/** The tier a host's node agent is started with: the pool's, or on-demand when it has none (the agent takes no unspecified tier). */
function bootTier(tier: Tier): Tier {
  return tierOfWord(tierWord(tier)) === Tier.TIER_UNSPECIFIED ? Tier.TIER_ON_DEMAND : tier;
}
