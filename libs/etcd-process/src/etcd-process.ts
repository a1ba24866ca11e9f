import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberProcess, memberArgs } from './etcd-member';

/** Options for one etcd member started as a child process on loopback. */
export interface EtcdProcessOptions {
  /** Data directory; a fresh temp dir (removed on stop) when omitted. */
  dataDir?: string;
  /** Client port; a free one when omitted. */
  clientPort?: number;
  /** Member name, default `n1`. */
  name?: string;
  /** etcd binary, default `etcd` on PATH (or $HELIOS_ETCD_BIN). */
  binary?: string;
  /** Where etcd's own log goes; default discarded. */
  logFile?: string;
  /** Extra etcd flags. */
  extraArgs?: string[];
}

/** A running etcd member. */
export interface EtcdProcess {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly pid: number | undefined;
  /** Stops etcd (SIGTERM, then SIGKILL after 5 s) and removes a temp data dir. */
  stop(): Promise<void>;
  /** Stops and starts etcd again on the same port and data dir, as an operator restart would. */
  restart(): Promise<void>;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves the etcd binary, or throws an error that says how to install it. */
export function findEtcdBinary(binary = process.env.HELIOS_ETCD_BIN ?? 'etcd'): string {
  if (binary.includes('/')) {
    if (existsSync(binary)) return binary;
  } else {
    for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
      if (dir && existsSync(join(dir, binary))) return join(dir, binary);
    }
  }
  throw new Error(
    `etcd not found (looked for "${binary}"). Install it: on Debian/Ubuntu run "apt-get install -y etcd-server", ` +
      'or set HELIOS_ETCD_BIN to an etcd 3.4+ binary.',
  );
}

/** Starts one etcd member on loopback and resolves once it answers /health. */
export async function startEtcd(options: EtcdProcessOptions = {}): Promise<EtcdProcess> {
  const binary = findEtcdBinary(options.binary);
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'helios-etcd-'));
  mkdirSync(dataDir, { recursive: true });
  const name = options.name ?? 'n1';
  const clientPort = options.clientPort ?? (await freePort());
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [...memberArgs({ name, dataDir, endpoint, peer, initialCluster: `${name}=${peer}` }), ...(options.extraArgs ?? [])];
  const member = new MemberProcess({ binary, args, endpoint, logFile: options.logFile });
  const launch = async (): Promise<void> => {
    member.spawn();
    await member.waitHealthy(20_000);
  };
  const halt = (): Promise<void> => member.halt();
  await launch();
  return {
    endpoint,
    dataDir,
    get pid() {
      return member.pid;
    },
    async stop() {
      await halt();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}
