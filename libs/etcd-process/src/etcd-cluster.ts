import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberProcess, memberArgs } from './etcd-member';
import { findEtcdBinary, freePort } from './etcd-process';

/** Options of a multi-member etcd cluster on loopback. */
export interface EtcdClusterOptions {
  /** Number of members, default 3. */
  members?: number;
  /** Parent of the members' data dirs; a fresh temp dir (removed on stop) when omitted. */
  dataDir?: string;
  /** Directory for one log file per member (`<name>.log`); logs are discarded when omitted. */
  logDir?: string;
  /** etcd binary, default `etcd` on PATH (or $HELIOS_ETCD_BIN). */
  binary?: string;
  /** etcd's --heartbeat-interval in ms, default 100 (etcd's own default). */
  heartbeatIntervalMs?: number;
  /** etcd's --election-timeout in ms, default 1,000 (etcd's own default). */
  electionTimeoutMs?: number;
  /** Extra flags for every member. */
  extraArgs?: string[];
  /** How long a start or restart may take before it fails, default 30 s. */
  startTimeoutMs?: number;
}

/** One member of an EtcdCluster. */
export interface EtcdMemberInfo {
  /** `n1`, `n2`, ... */
  readonly name: string;
  /** http://127.0.0.1:PORT of its client API. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** etcd's member id (a uint64, as a decimal string). */
  readonly id: string;
  /** The pid while it runs. */
  readonly pid: number | undefined;
}

/** A running etcd cluster of several members on loopback. */
export interface EtcdCluster {
  /** Every member's client URL, in member order: pass them all to a client. */
  readonly endpoints: string[];
  readonly members: readonly EtcdMemberInfo[];
  /** The member that leads now (asks the running members; retries through an election). */
  leader(): Promise<EtcdMemberInfo>;
  /**
   * Hands leadership to another member (`to`, by name; default the next member after the
   * leader) with etcd's MoveLeader, and resolves with the new leader once every running member
   * agrees on it.
   */
  moveLeader(to?: string): Promise<EtcdMemberInfo>;
  /** Stops one member (SIGTERM) and starts it again on the same ports and data; resolves once it is healthy. */
  restartMember(name: string): Promise<void>;
  /** Stops every member at once and starts them all again: a whole-cluster restart. */
  restartAll(): Promise<void>;
  /** Stops every member and removes a temp data dir. */
  stop(): Promise<void>;
}

// How long the leader is given to notice its stopped followers before it is stopped itself.
const LEADER_STOP_PAUSE_MS = 300;

interface Member {
  info: { name: string; endpoint: string; dataDir: string; id: string };
  process: MemberProcess;
}

interface StatusResponse {
  header?: { member_id?: string };
  leader?: string;
}

/**
 * Starts an etcd cluster of `members` (default 3) on loopback, every member a child process,
 * and resolves once all are healthy (which implies an elected leader). For tests and benchmarks
 * of what Helios does across an etcd leader change or restart.
 */
export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const size = options.members ?? 3;
  if (!Number.isInteger(size) || size < 1) throw new Error(`an etcd cluster needs at least one member, got ${size}`);
  const binary = findEtcdBinary(options.binary);
  const ownsDataDir = !options.dataDir;
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), 'helios-etcd-cluster-'));
  mkdirSync(root, { recursive: true });
  if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 30_000;

  const ports: { client: number; peer: number }[] = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `n${i + 1}`);
  const initialCluster = names.map((name, i) => `${name}=http://127.0.0.1:${ports[i]!.peer}`).join(',');
  const token = `helios-${process.pid}-${Date.now()}`;

  const members: Member[] = names.map((name, i) => {
    const endpoint = `http://127.0.0.1:${ports[i]!.client}`;
    const peer = `http://127.0.0.1:${ports[i]!.peer}`;
    const dataDir = join(root, name);
    const args = [
      ...memberArgs({ name, dataDir, endpoint, peer, initialCluster }),
      '--initial-cluster-token', token,
      '--initial-cluster-state', 'new',
      '--heartbeat-interval', String(options.heartbeatIntervalMs ?? 100),
      '--election-timeout', String(options.electionTimeoutMs ?? 1_000),
      ...(options.extraArgs ?? []),
    ];
    const logFile = options.logDir ? join(options.logDir, `${name}.log`) : undefined;
    return { info: { name, endpoint, dataDir, id: '' }, process: new MemberProcess({ binary, args, endpoint, logFile }) };
  });

  /** The leader's member id as every running member reports it, once they agree. */
  const agreedLeader = async (): Promise<Member> => {
    const running = members.filter((m) => m.process.running);
    const leaders = await Promise.all(running.map((m) => status(m.info.endpoint).then((s) => s.leader ?? '0')));
    const id = leaders[0];
    if (!id || id === '0' || leaders.some((l) => l !== id)) throw new Error(`members disagree on the leader: ${leaders.join(', ')}`);
    const leader = members.find((m) => m.info.id === id);
    if (!leader) throw new Error(`leader ${id} is not a member of this cluster`);
    return leader;
  };

  const startAll = async (subset: Member[]): Promise<void> => {
    for (const m of subset) m.process.spawn();
    await Promise.all(subset.map((m) => m.process.waitHealthy(timeoutMs)));
  };
  // Followers first, one at a time, then the leader once it has seen them go. A leader stopping
  // hands leadership to the peer it believes connected longest; if that peer is already on its
  // way down the leader waits for it (5 s, then SIGKILL), while in this order every member stops
  // in about 100 ms.
  const haltAll = async (subset: Member[]): Promise<void> => {
    const leader = await agreedLeader().catch(() => undefined);
    const followers = subset.filter((m) => m !== leader);
    for (const m of followers) await m.process.halt();
    if (leader && subset.includes(leader) && leader.process.running) {
      await new Promise((r) => setTimeout(r, LEADER_STOP_PAUSE_MS));
      await leader.process.halt();
    }
  };
  const byName = (name: string): Member => {
    const member = members.find((m) => m.info.name === name);
    if (!member) throw new Error(`no etcd member named ${name}; members are ${names.join(', ')}`);
    return member;
  };
  const infoOf = (m: Member): EtcdMemberInfo => ({
    ...m.info,
    get pid() {
      return m.process.pid;
    },
  });

  try {
    await startAll(members);
    for (const m of members) m.info.id = (await status(m.info.endpoint)).header?.member_id ?? '';
  } catch (err) {
    await haltAll(members);
    if (ownsDataDir) rmSync(root, { recursive: true, force: true });
    throw new Error(`starting a ${size}-member etcd cluster`, { cause: err });
  }

  return {
    endpoints: members.map((m) => m.info.endpoint),
    members: members.map(infoOf),
    async leader() {
      return infoOf(await retry('finding the etcd leader', agreedLeader, timeoutMs));
    },
    async moveLeader(to?: string) {
      const from = await retry('finding the etcd leader', agreedLeader, timeoutMs);
      const index = members.indexOf(from);
      const target = to ? byName(to) : members[(index + 1) % members.length]!;
      if (target === from) return infoOf(from);
      const res = await fetch(`${from.info.endpoint}/v3/maintenance/transfer-leadership`, {
        method: 'POST',
        body: JSON.stringify({ targetID: target.info.id }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`moving etcd leadership from ${from.info.name} to ${target.info.name}: HTTP ${res.status} ${await res.text()}`);
      await retry(
        `${target.info.name} to lead`,
        async () => {
          const leader = await agreedLeader();
          if (leader !== target) throw new Error(`${leader.info.name} still leads`);
          return leader;
        },
        timeoutMs,
      );
      return infoOf(target);
    },
    async restartMember(name: string) {
      const member = byName(name);
      await member.process.halt();
      await startAll([member]);
    },
    async restartAll() {
      await haltAll(members);
      await startAll(members);
    },
    async stop() {
      await haltAll(members);
      if (ownsDataDir) rmSync(root, { recursive: true, force: true });
    },
  };
}

async function status(endpoint: string): Promise<StatusResponse> {
  const res = await fetch(`${endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`status of etcd at ${endpoint}: HTTP ${res.status}`);
  return (await res.json()) as StatusResponse;
}

async function retry<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw new Error(`${what}: gave up after ${timeoutMs} ms`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
