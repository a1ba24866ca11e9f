/**
 * `npm run bench:scale -- [--nodes 10000] [--cells 20] [--deployments 200] [--replicas 40000] ...`:
 * placement throughput at fleet scale, with real processes on loopback. etcd, the control plane
 * (leader and a standby, each its own process) and `--cells` cells whose agents and `--nodes`
 * simulated nodes run in `--cell-processes` child processes (sim-cells.ts: real cell agents,
 * real node agents with etcd leases on the sim cloud, replicas on a simulated runtime). Then
 * `--deployments` deployments totalling `--replicas` 1-GPU replicas are applied through the
 * operator gRPC API in one burst, and the run times, from the first Apply:
 *   - every replica created, placed in a cell, Bound to a node and Ready (the simulated runtime
 *     turns a started replica Ready at once), and the replicas bound per second;
 *   - p50/p99 of the Apply calls;
 * and reports the leader's peak RSS and etcd watches; then SIGKILLs the leader and times the
 * standby to its first reconcile on a full cache (see standby-takeover.ts).
 * Prints the figures and, last, one line of JSON. Exits 1 unless every replica is Bound and Ready,
 * at least 1,000 replicas a second are bound and the leader stays under 1.5 GiB; 2 on bad flags.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CellPhase, Deployment, NodePhase, SpreadPolicy, wrap } from '@helios/api';
import { ConfigError, describeSettings, loadConfig } from '@helios/config';
import { freePort, startEtcdCluster } from '@helios/etcd-process';
import { REPO_ROOT, Teardown, launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { Informer, KeyInformer, Keys, connectEtcd } from '@helios/store';
import { isLeading } from '../../shared/control-plane-health';
import { IpcChild } from '../../shared/ipc-child';
import { summarizeLatencies } from '../../shared/latency-summary';
import { CpuSampler } from '../../shared/process-cpu';
import { processMemoryMiB } from '../../shared/process-memory';
import { sampleValue } from '../../shared/prometheus-text';
import { applySimCell } from '../../shared/sim-cell';
import { BENCH_SETTINGS, TARGETS, deriveScalePlan, type BenchSettings, type ScalePlan } from './bench-settings';
import { etcdWatchCount } from './etcd-watch-count';
import { REPLICA_STAGES, ReplicaTimeline, type ReplicaStage } from './replica-timeline';
import type { CellsCommand, CellsReport } from './sim-cells-protocol';
import { perWindow, stageFigures, type StageFigures } from './stage-figures';
import { timeTakeover } from './standby-takeover';
import { runBench } from '../../shared/bench-run';

const ROOT = '/helios/v1';
const GPU_TYPE = 'h100';
const say = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type CellsProcess = IpcChild<CellsCommand, CellsReport>;

/** Everything the run reports; what was not measured (a failed or timed-out run) stays null. */
interface Figures {
  nodes: number;
  cells: number;
  deployments: number;
  replicas: number;
  placement: 'pack' | 'spread';
  etcdMembers: number;
  createdSeconds: number | null;
  placedSeconds: number | null;
  boundSeconds: number | null;
  readySeconds: number | null;
  boundPerSecond: number | null;
  readyPerSecond: number | null;
  applyP50Ms: number | null;
  applyP99Ms: number | null;
  applyMaxMs: number | null;
  leaderPeakRssMiB: number | null;
  leaderEtcdWatchers: number | null;
  leaderEtcdWatchStreams: number | null;
  etcdWatchersTotal: number | null;
  standbyLeadsSeconds: number | null;
  standbyFullCacheReconcileSeconds: number | null;
  leaderKilledWith: string | null;
  /** Elections after the first, before the kill: leadership lost under load (0 in a healthy run). */
  leadershipChanges: number | null;
  cpuPercentDuringBurst: Record<string, number> | null;
  /** The machine's 1-minute load average at the first Apply and when every replica was Bound (or the run gave up): other work on it shows here. */
  loadAverage: { atBurst: number; atBound: number } | null;
  pass: boolean;
  error: string | null;
}

async function main(): Promise<number> {
  let settings: BenchSettings;
  let plan: ScalePlan;
  try {
    settings = loadConfig(BENCH_SETTINGS);
    if (settings.help) {
      console.log(`usage: npm run bench:scale -- [flags]\n\n${describeSettings(BENCH_SETTINGS)}`);
      return 0;
    }
    plan = deriveScalePlan(settings);
  } catch (err) {
    console.error(`bench:scale: ${err instanceof Error ? err.message : String(err)}${err instanceof ConfigError ? `\n\n${describeSettings(BENCH_SETTINGS)}` : ''}`);
    return 2;
  }

  const figures: Figures = {
    nodes: plan.nodes,
    cells: plan.cells.length,
    deployments: plan.deployments.length,
    replicas: plan.replicas,
    placement: settings.spread ? 'spread' : 'pack',
    etcdMembers: settings.etcdMembers,
    createdSeconds: null,
    placedSeconds: null,
    boundSeconds: null,
    readySeconds: null,
    boundPerSecond: null,
    readyPerSecond: null,
    applyP50Ms: null,
    applyP99Ms: null,
    applyMaxMs: null,
    leaderPeakRssMiB: null,
    leaderEtcdWatchers: null,
    leaderEtcdWatchStreams: null,
    etcdWatchersTotal: null,
    standbyLeadsSeconds: null,
    standbyFullCacheReconcileSeconds: null,
    leaderKilledWith: null,
    leadershipChanges: null,
    cpuPercentDuringBurst: null,
    loadAverage: null,
    pass: false,
    error: null,
  };
  const workDir = mkdtempSync(join(tmpdir(), 'helios-bench-scale-'));
  const logs = join(workDir, 'logs');
  const profiles = join(workDir, 'profiles');
  mkdirSync(logs, { recursive: true });
  if (settings.cpuProf) mkdirSync(profiles, { recursive: true });
  const keep = () => settings.keep || settings.cpuProf || figures.error !== null;
  const teardown = new Teardown(say);
  teardown.add('removing the work dir', () => {
    if (!keep()) rmSync(workDir, { recursive: true, force: true });
  });

  // One way out, whatever ends the run (its end, a failure, the --timeout, a signal): stop
  // everything it started, then print the JSON line last.
  // The first caller's code wins; a later caller (the run's own error path, once a signal has
  // begun the teardown) waits for the same teardown instead of exiting halfway through it.
  let finishing: Promise<number> | undefined;
  let deathsExpected = false;
  // Fills in what was measured so far, so a run cut short still reports how far it got.
  let recordSoFar = (): void => undefined;
  const finish = (code: number): Promise<number> =>
    (finishing ??= (async () => {
      deathsExpected = true;
      clearTimeout(hardStop);
      recordSoFar();
      await teardown.run();
      if (keep()) say(`logs${settings.cpuProf ? ', CPU profiles' : ''} and etcd data kept in ${workDir}`);
      console.log(JSON.stringify(figures));
      return code;
    })());
  const deadline = Date.now() + settings.timeout * 1000;
  const remaining = (atMostMs = Number.POSITIVE_INFINITY) => Math.max(1_000, Math.min(atMostMs, deadline - Date.now()));
  // Every wait below is bounded by the deadline; this catches a step that hangs anyway.
  const hardStop = setTimeout(() => {
    figures.error = `timed out after --timeout ${settings.timeout} s`;
    say(`${figures.error}; stopping everything`);
    void finish(1).then((code) => process.exit(code));
  }, settings.timeout * 1000 + 30_000);
  const onSignal = (signal: NodeJS.Signals) => {
    figures.error = `interrupted by ${signal}`;
    say(`${figures.error}; stopping everything`);
    void finish(130).then((code) => process.exit(code));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  say(
    `${plan.nodes} simulated nodes in ${plan.cells.length} cells (${plan.groups.length} cell processes), ${plan.deployments.length} deployments of ${plan.replicas} 1-GPU replicas in total, ` +
      `${figures.placement} placement, ${settings.etcdMembers} etcd member(s); work dir ${workDir}`,
  );
  try {
    // --- etcd.
    const cluster = await startEtcdCluster({ members: settings.etcdMembers, dataDir: join(workDir, 'etcd'), logDir: logs });
    teardown.add('stopping etcd', () => cluster.stop());
    const endpoints = cluster.endpoints.join(',');
    const client = connectEtcd(cluster.endpoints);
    teardown.add('closing the etcd client', () => client.close());
    const keys = new Keys(ROOT);
    // Elections, from the election key itself (its value is the leader's id): a busy leader's
    // /healthz answers late, and a poll would count that as a loss of leadership.
    const election = new KeyInformer(client, keys.election('control-plane'), { onError: () => undefined });
    let terms = 0;
    let leaderId = '';
    election.on((e) => {
      if (e.type === 'deleted') return (leaderId = '');
      if (e.type === 'added') terms++;
      leaderId = e.value.toString();
    });
    await election.start();
    teardown.add('stopping the election watch', () => election.stop());
    // etcd's watches before any control plane: this benchmark's own (the election watch).
    const watchesAlone = await etcdWatchCount(cluster.endpoints);
    // A process of the run dying before its time fails the run at once, not at the next timeout.
    let reportDeath!: (err: Error) => void;
    const died = new Promise<never>((_, reject) => (reportDeath = reject));
    died.catch(() => undefined);
    const watchdog = (what: string, child: ChildProcess) =>
      child.once('exit', (code, signal) => deathsExpected || reportDeath(new Error(`the ${what} exited (${signal ?? `code ${code}`}); see its log in ${logs}`)));
    const unlessDied = <T>(step: Promise<T>): Promise<T> => Promise.race([step, died]);

    // --- the control planes: the first one launched leads, the second stands by.
    const controlPlane = async (name: string): Promise<{ proc: ComponentProcess; metricsUrl: string; grpcAddr: string }> => {
      const metricsUrl = `http://127.0.0.1:${await freePort()}`;
      const grpcAddr = `127.0.0.1:${await freePort()}`;
      const proc = launchComponent({
        name,
        entry: 'apps/control-plane/src/main.ts',
        args: ['--etcd', endpoints, '--grpc-addr', grpcAddr, '--metrics-addr', metricsUrl.slice('http://'.length), '--root', ROOT, '--lease-ttl', String(settings.leaseTtl)],
        nodeArgs: settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${name}.cpuprofile`] : [],
        env: { HELIOS_LOG_FORMAT: 'json', HELIOS_LOG_LEVEL: 'info' },
        logFile: join(logs, `${name}.log`),
      });
      teardown.add(`stopping the ${name}`, () => proc.stop('SIGTERM', 15_000));
      watchdog(name, proc.child);
      return { proc, metricsUrl, grpcAddr };
    };
    const leader = await controlPlane('control-plane');
    await unlessDied(waitFor('the control plane to lead', () => isLeading(leader.metricsUrl), remaining(90_000), 250));
    // The leader's watches when it is etcd's only other client: how many it opens by itself.
    await sleep(2_000);
    const leaderWatchesAtStart = (await etcdWatchCount(cluster.endpoints)).watchers - watchesAlone.watchers;
    const standby = await controlPlane('control-plane-standby');
    await unlessDied(waitFor('the standby control plane to answer', async () => (await fetch(`${standby.metricsUrl}/healthz`).catch(() => undefined))?.ok === true, remaining(90_000), 250));
    // Leadership may move during the run (a lease lapsing under load): the leader's figures are
    // the larger of the two peaks; a standby that never led stays small.
    const peaks = [0, 0];
    const memory = setInterval(() => [leader, standby].forEach((cp, i) => (peaks[i] = Math.max(peaks[i]!, processMemoryMiB(cp.proc.child.pid)?.rss ?? 0))), 500);
    teardown.add('stopping the memory sampler', () => clearInterval(memory));
    const peakRss = () => Math.max(...peaks, ...[leader, standby].map((cp) => processMemoryMiB(cp.proc.child.pid)?.peak ?? 0)) || null;
    recordSoFar = () => {
      figures.leaderPeakRssMiB ??= peakRss();
      figures.leadershipChanges ??= Math.max(0, terms - 1);
    };
    say(`control plane pid ${leader.proc.child.pid} leads (${leader.metricsUrl}/metrics, ${leaderWatchesAtStart} etcd watches of its own); standby pid ${standby.proc.child.pid}`);

    // --- cells and pools through the operator API, as `helios apply` would.
    const api = connectOperator(leader.grpcAddr, { timeoutMs: 120_000 });
    teardown.add('closing the API client', () => api.close());
    for (const cell of plan.cells) await applySimCell(api, { cell: cell.name, pool: cell.pool, nodes: cell.nodes, gpusPerNode: settings.gpusPerNode });

    const cells = new Informer(client, keys, 'cell', { onError: () => undefined });
    const nodes = new Informer(client, keys, 'node', { onError: () => undefined });
    const names = new Set(plan.deployments.map((d) => d.name));
    const timeline = new ReplicaTimeline(client, keys, (deployment) => names.has(deployment));
    await Promise.all([cells.start(), nodes.start(), timeline.start()]);
    teardown.add('stopping the watches', () => Promise.all([cells.stop(), nodes.stop(), timeline.stop()]));

    // --- the cell processes: agents and simulated nodes.
    const cellProcesses: CellsProcess[] = plan.groups.map((group, i) => {
      const log = openSync(join(logs, `cells-${i}.log`), 'a');
      const child = new IpcChild<CellsCommand, CellsReport>(
        fork(
          join(__dirname, 'sim-cells.ts'),
          [
            ...['--etcd', endpoints, '--root', ROOT, '--cells', group.join(','), '--control-plane', `${leader.grpcAddr},${standby.grpcAddr}`],
            ...['--lease-ttl', String(settings.leaseTtl), '--node-lease-ttl', String(settings.nodeLeaseTtl), '--streams', String(settings.leaseStreams), '--ready-after-ms', String(settings.readyAfterMs)],
            ...['--boot-concurrency', String(settings.bootConcurrency)],
          ],
          {
            cwd: REPO_ROOT,
            execArgv: ['--require', require.resolve('tsx/cjs'), ...(settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=cells-${i}.cpuprofile`] : [])],
            env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), HELIOS_LOG_FORMAT: 'json' },
            stdio: ['ignore', log, log, 'ipc'],
          },
        ),
        `cell process ${i} (${group.join(', ')})`,
      );
      watchdog(`cell process ${i}`, child.child);
      return child;
    });
    // All at once: each revokes thousands of leases on its way out.
    teardown.add('stopping the cell processes', () => Promise.all(cellProcesses.map((c) => c.stop({ type: 'stop' }, 30_000))));
    const pids = (): Record<string, number | undefined> => ({
      ...Object.fromEntries(cluster.members.map((m) => [`etcd-${m.name}`, m.pid])),
      leader: leader.proc.child.pid,
      standby: standby.proc.child.pid,
      ...Object.fromEntries(cellProcesses.map((c, i) => [`cells-${i}`, c.child.pid])),
      bench: process.pid,
    });
    const progressCpu = new CpuSampler(pids);
    progressCpu.sample();
    await unlessDied(Promise.all(cellProcesses.map((c) => c.next('leading', remaining(120_000)))));
    const readyNodes = () => nodes.list().filter((n) => n.status?.phase === NodePhase.NODE_PHASE_READY).length;
    const readyCells = () => cells.list().filter((c) => c.status?.phase === CellPhase.CELL_PHASE_READY).length;
    const startup = setInterval(() => say(`  ${readyNodes()}/${plan.nodes} nodes Ready, ${readyCells()}/${plan.cells.length} cells Ready; CPU % ${formatCpu(progressCpu.sample())}`), 10_000);
    try {
      await unlessDied(waitFor(`${plan.nodes} Ready nodes in ${plan.cells.length} Ready cells`, () => readyNodes() >= plan.nodes && readyCells() >= plan.cells.length, remaining(), 500));
    } finally {
      clearInterval(startup);
    }
    say(`fleet up: ${plan.nodes} nodes Ready in ${plan.cells.length} cells; control-plane RSS ${[leader, standby].map((cp) => processMemoryMiB(cp.proc.child.pid)?.rss ?? '?').join('/')} MiB`);
    // Let the capacity and pool controllers finish their post-launch writes before the burst.
    await sleep(5_000);

    // --- the burst.
    const resources = plan.deployments.map((d) =>
      wrap(
        'deployment',
        Deployment.fromPartial({
          metadata: { name: d.name },
          spec: {
            replicas: d.replicas,
            template: { command: ['simulated-model-server'], gpus: 1, gpuType: GPU_TYPE },
            placement: { spread: settings.spread ? SpreadPolicy.SPREAD_POLICY_SPREAD : SpreadPolicy.SPREAD_POLICY_PACK },
          },
        }),
      ),
    );
    const burstCpu = new CpuSampler(pids);
    burstCpu.sample();
    const loadAtBurst = loadavg()[0]!;
    const applyMs: number[] = [];
    const start = Date.now();
    let next = 0;
    const lanes = settings.applyConcurrency > 0 ? Math.min(settings.applyConcurrency, resources.length) : resources.length;
    const applying = Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < resources.length) {
          const resource = resources[next++]!;
          const t = performance.now();
          await api.apply({ resource, dryRun: false });
          applyMs.push(performance.now() - t);
        }
      }),
    );
    const progress = setInterval(() => {
      const counts = REPLICA_STAGES.map((s) => `${timeline.count(s)} ${s}`).join(', ');
      const rss = [leader, standby].map((cp) => processMemoryMiB(cp.proc.child.pid)?.rss ?? '?').join('/');
      say(`  +${((Date.now() - start) / 1000).toFixed(0)} s: ${counts}; leader ${leaderId || 'none'} (term ${terms}), control-plane RSS ${rss} MiB; CPU % ${formatCpu(progressCpu.sample())}`);
    }, 5_000);
    teardown.add('stopping the progress lines', () => clearInterval(progress));
    await unlessDied(applying);
    const apply = summarizeLatencies(applyMs.map((ms) => ms / 1000));
    const ms = (s: number | null) => (s === null ? null : Math.round(s * 1000));
    Object.assign(figures, { applyP50Ms: ms(apply.p50), applyP99Ms: ms(apply.p99), applyMaxMs: ms(apply.max) });
    say(`${resources.length} Apply calls (${lanes} in flight) done in ${((Date.now() - start) / 1000).toFixed(2)} s: p50 ${figures.applyP50Ms} ms, p99 ${figures.applyP99Ms} ms, max ${figures.applyMaxMs} ms`);

    const stages = (): Record<ReplicaStage, StageFigures> =>
      Object.fromEntries(REPLICA_STAGES.map((s) => [s, stageFigures(timeline.reachedAt(s), start, plan.replicas)])) as Record<ReplicaStage, StageFigures>;
    const record = () => {
      const s = stages();
      Object.assign(figures, {
        createdSeconds: s.created.allSeconds,
        placedSeconds: s.placed.allSeconds,
        boundSeconds: s.bound.allSeconds,
        readySeconds: s.ready.allSeconds,
        boundPerSecond: s.bound.perSecond,
        readyPerSecond: s.ready.perSecond,
      });
      return s;
    };
    recordSoFar = () => {
      figures.leaderPeakRssMiB ??= peakRss();
      figures.leadershipChanges ??= Math.max(0, terms - 1);
      figures.cpuPercentDuringBurst ??= burstCpu.sample();
      figures.loadAverage ??= { atBurst: round2(loadAtBurst), atBound: round2(loadavg()[0]!) };
      record();
    };
    let cpuRecorded = false;
    try {
      await unlessDied(waitFor(`${plan.replicas} replicas Bound`, () => timeline.count('bound') >= plan.replicas, remaining(), 100));
      figures.cpuPercentDuringBurst = burstCpu.sample();
      figures.loadAverage = { atBurst: round2(loadAtBurst), atBound: round2(loadavg()[0]!) };
      cpuRecorded = true;
      await unlessDied(waitFor(`${plan.replicas} replicas Ready`, () => timeline.count('ready') >= plan.replicas, remaining(), 100));
    } finally {
      clearInterval(progress);
      if (!cpuRecorded) {
        figures.cpuPercentDuringBurst = burstCpu.sample();
        figures.loadAverage = { atBurst: round2(loadAtBurst), atBound: round2(loadavg()[0]!) };
      }
      const s = record();
      for (const stage of REPLICA_STAGES) {
        const f = s[stage];
        say(`${stage.padEnd(7)} ${f.reached}/${plan.replicas}: half after ${f.halfSeconds ?? '-'} s, all after ${f.allSeconds ?? '-'} s${f.perSecond === null ? '' : ` (${f.perSecond}/s from the first Apply)`}`);
      }
      for (const stage of REPLICA_STAGES) say(`  ${stage} per 5 s: ${perWindow(timeline.reachedAt(stage), start, 5_000).join(' ')}`);
      say(`CPU % during the burst (first Apply -> all Bound; 100 = one core): ${formatCpu(figures.cpuPercentDuringBurst ?? {})}; machine load average ${figures.loadAverage?.atBurst} -> ${figures.loadAverage?.atBound} on ${cpus().length} cores`);
      say(`replicas now by phase: ${JSON.stringify(timeline.phases())}`);
    }

    // --- the leader's own figures: where its reconciles spent their time.
    figures.leadershipChanges = Math.max(0, terms - 1);
    if (figures.leadershipChanges > 0) say(`warning: control-plane leadership changed hands ${figures.leadershipChanges} time(s) during the run`);
    const leads = await unlessDied(waitFor('a control plane to lead', async () => ((await isLeading(leader.metricsUrl)) ? 0 : (await isLeading(standby.metricsUrl)) ? 1 : undefined), remaining(60_000), 250));
    const [current, other] = leads === 0 ? [leader, standby] : [standby, leader];
    const leaderMetrics = await (await fetch(`${current.metricsUrl}/metrics`)).text();
    for (const controller of ['deployment', 'placement', 'capacity', 'node-lifecycle', 'cell-liveness']) {
      const count = sampleValue(leaderMetrics, 'helios_controller_reconcile_duration_seconds_count', { controller }) ?? 0;
      const sum = sampleValue(leaderMetrics, 'helios_controller_reconcile_duration_seconds_sum', { controller }) ?? 0;
      if (count > 0) say(`leader ${controller} controller: ${count} reconciles, ${sum.toFixed(1)} s in total, ${((sum / count) * 1000).toFixed(1)} ms each`);
    }
    const stats = await Promise.all(
      cellProcesses.map((c) => {
        const answer = c.next('stats', 10_000).catch(() => undefined);
        c.send({ type: 'stats' });
        return answer;
      }),
    );
    say(`cell processes: ${stats.map((s, i) => (s ? `#${i} ${s.nodeAgents} node agents, ${s.rssMiB} MiB RSS, longest loop stall ${s.maxLoopDelayMs} ms` : `#${i} no answer`)).join('; ')}`);
    figures.leaderPeakRssMiB = peakRss();
    clearInterval(memory);

    // --- the leader dies; the standby takes over.
    deathsExpected = true;
    const signal: NodeJS.Signals = settings.cpuProf ? 'SIGTERM' : 'SIGKILL';
    if (settings.cpuProf) say('--cpu-prof: the leader is stopped with SIGTERM (it resigns, and writes its profile), so the takeover below skips the lease TTL');
    const takeover = await timeTakeover({ leader: current.proc, signal, standbyMetricsUrl: other.metricsUrl, etcdEndpoints: cluster.endpoints, timeoutMs: remaining(120_000) });
    Object.assign(figures, {
      leaderKilledWith: signal,
      leaderEtcdWatchers: takeover.leaderWatches?.watchers ?? null,
      leaderEtcdWatchStreams: takeover.leaderWatches?.streams ?? null,
      etcdWatchersTotal: takeover.watchesBefore.watchers,
      standbyLeadsSeconds: takeover.leadsSeconds,
      standbyFullCacheReconcileSeconds: takeover.fullCacheReconcileSeconds,
    });
    say(
      `leader: peak RSS ${figures.leaderPeakRssMiB ?? '?'} MiB; etcd watches ${figures.leaderEtcdWatchers ?? '?'} on ${figures.leaderEtcdWatchStreams ?? '?'} streams ` +
        `(dropped by etcd when it died; ${leaderWatchesAtStart} when it was etcd's only client) of ${takeover.watchesBefore.watchers} watches on ${takeover.watchesBefore.streams} streams in all`,
    );
    say(
      `${signal} of the leader: the standby leads after ${takeover.leadsSeconds ?? '-'} s; first reconcile by controller (s): ${JSON.stringify(takeover.firstReconcileSeconds)}; ` +
        `on the full cache (deployment controller) after ${takeover.fullCacheReconcileSeconds ?? '-'} s`,
    );

    // --- verdict.
    const bound = figures.boundPerSecond ?? 0;
    const rss = figures.leaderPeakRssMiB ?? Number.POSITIVE_INFINITY;
    figures.pass = figures.readySeconds !== null && bound >= TARGETS.boundPerSecond && rss < TARGETS.leaderPeakRssMiB && figures.standbyFullCacheReconcileSeconds !== null;
    say(
      figures.pass
        ? `PASS: ${bound} replicas bound/s >= ${TARGETS.boundPerSecond}, leader peak RSS ${rss} MiB < ${TARGETS.leaderPeakRssMiB} MiB`
        : `FAIL: want every replica Bound and Ready, >= ${TARGETS.boundPerSecond} bound/s (got ${bound}), leader peak RSS < ${TARGETS.leaderPeakRssMiB} MiB (got ${figures.leaderPeakRssMiB ?? '?'}), and a standby reconciling after the kill`,
    );
    return await finish(figures.pass ? 0 : 1);
  } catch (err) {
    figures.error = `${err instanceof Error ? err.message : String(err)}${err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : ''}`;
    say(`failed: ${figures.error}; logs in ${logs}`);
    return finish(1);
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function formatCpu(usage: Record<string, number>): string {
  return Object.entries(usage)
    .map(([name, pct]) => `${name} ${pct}`)
    .join(', ');
}

runBench('scale', main);
