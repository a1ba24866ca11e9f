/**
 * `npm run bench:capacity`: replays a trace of inference deployments arriving, scaling and leaving
 * (1, 2, 4 and 8 GPUs per replica, different tier policies) on three simulated cells with
 * reserved, preemptible and on-demand pools, with a stock-out, preemptions and a cell agent
 * killed mid-launch on the way. Everything is real but the cloud: etcd, the control plane
 * (placement, capacity planner, deployment controller, ...) and one cell agent per cell run as
 * processes; the sim cloud and its node agents (replicas simulated, no process each) run here,
 * served to the cell agents over HTTP so the cloud outlives a killed agent.
 *
 * After each step it waits for the fleet to settle, then samples allocation over a steady window.
 * Prints figures and, last, one line of JSON; exits non-zero unless allocationRatio >= 0.97,
 * duplicateInstances = 0 and lostReplicas = 0.
 */
import { createLogger } from '@helios/config';
import { freePort, startEtcd, type EtcdProcess } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { SimCloudServer, SimNodeFleet, SimNodeTokens, SimProvider, SimulatedRuntime } from '@helios/sim';
import { NodeChannels } from '@helios/node-client';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_SETTINGS, TARGETS, type BenchSettings } from './bench-settings';
import { demandOf, lowerBoundCost, spend, type DemandInterval } from './cost-bound';
import { benchSettings, runBench } from '../../shared/bench-run';
import { isLeading } from '../../shared/control-plane-health';
import { FleetObserver, type AllocationSample } from './fleet-observer';
import { CELLS, POOLS, TRACE, type DeploymentSpec, type TraceStep } from './fleet-spec';
import { BenchOperator } from './operator-client';
import { RecordingCloud } from './recording-cloud';

const say = (line: string): void => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one step came to. */
interface StepResult {
  label: string;
  settled: boolean;
  settleSeconds: number;
  why: string;
  window: AllocationSample;
  ratio: number;
  demandGpus: number;
}

async function main(): Promise<number> {
  const settings = benchSettings('capacity', BENCH_SETTINGS);
  if (typeof settings === 'number') return settings;
  const work = mkdtempSync(join(tmpdir(), 'helios-bench-capacity-'));
  const logs = join(work, 'logs');
  mkdirSync(logs, { recursive: true });
  const procs = new Map<string, ComponentProcess>();
  let etcd: EtcdProcess | undefined;
  let client: Etcd3 | undefined;
  let tokenApi: OperatorApi | undefined;
  let nodes: SimNodeFleet | undefined;
  let channels: NodeChannels | undefined;
  let server: SimCloudServer | undefined;
  let observer: FleetObserver | undefined;
  let operator: BenchOperator | undefined;
  const sim = new SimProvider({ launchLatencyMs: settings.launchLatency });
  const runtime = new SimulatedRuntime();
  try {
    say(`bench:capacity: ${CELLS.length} cells, ${POOLS.length} pools, ${TRACE.length} trace steps; work dir ${work}`);
    etcd = await startEtcd({ dataDir: join(work, 'etcd'), clientPort: await freePort(), logFile: join(logs, 'etcd.log') });
    client = connectEtcd(etcd.endpoint);
    const keys = new Keys();
    const store = new ResourceStore(client, keys);
    const cloud = new RecordingCloud(sim);
    server = await SimCloudServer.start(cloud);
    observer = new FleetObserver(client, keys, cloud, POOLS);
    await observer.start();

    const grpcPort = await freePort();
    const metricsPort = await freePort();
    procs.set(
      'control-plane',
      launchComponent({
        name: 'control-plane',
        entry: 'apps/control-plane/src/main.ts',
        args: ['--etcd', etcd.endpoint, '--grpc-addr', `127.0.0.1:${grpcPort}`, '--metrics-addr', `127.0.0.1:${metricsPort}`, '--lease-ttl', '2'],
        env: {
          HELIOS_LOG_FORMAT: 'json',
          HELIOS_SCALE_DOWN_COOLDOWN_SECONDS: String(settings.cooldown),
          HELIOS_CAPACITY_UNAVAILABLE_BACKOFF_SECONDS: String(settings.backoff),
          HELIOS_CAPACITY_RESYNC_SECONDS: '5',
        },
        logFile: join(logs, 'control-plane.log'),
      }),
    );
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    await waitFor('the control plane to lead', () => isLeading(metricsUrl), 90_000, 250);
    const deploymentController = await waitFor(
      'the deployment controller to run',
      async () => /helios_controller_running\{controller="deployment"\} 1/.test(await (await fetch(`${metricsUrl}/metrics`)).text()),
      30_000,
      250,
    ).catch(() => false);
    if (!deploymentController) throw new Error('the control plane runs no deployment controller; this benchmark replays deployments through it');
    // The simulated nodes join the control plane through its node API, as real hosts do.
    tokenApi = connectOperator(`127.0.0.1:${grpcPort}`, { timeoutMs: 10_000 });
    const tokens = new SimNodeTokens((cell, uses) => tokenApi!.createBootstrapToken({ cell, pool: '', uses, ttlSeconds: 24 * 3_600, description: 'bench:capacity nodes' }).then((r) => r.token));
    channels = new NodeChannels();
    nodes = new SimNodeFleet({ addresses: [`127.0.0.1:${grpcPort}`], tokens, channels, store, logger: createLogger('sim-node', 'error') }, sim, { nodeLeaseTtl: 3, runtime });
    nodes.start();
    say('replicas are made by the control plane\'s deployment controller (not by the benchmark)');

    operator = new BenchOperator(`127.0.0.1:${grpcPort}`);
    for (const [i, cell] of CELLS.entries()) await operator.applyCell(cell, `sim-region-${i + 1}`);
    for (const pool of POOLS) await operator.applyPool(pool);
    const startAgent = (cell: string, generation: number) =>
      procs.set(
        cell,
        launchComponent({
          name: `cell-agent-${cell}`,
          entry: 'apps/cell-agent/src/main.ts',
          args: [
            ...['--etcd', etcd!.endpoint, '--cell', cell, '--sim-url', server!.url, '--id', `${cell}-${generation}`, '--lease-ttl', '2'],
            ...['--resync-ms', '5000', '--capacity-retry-ms', '5000', '--unknown-instance-grace-ms', '60000', '--not-ready-grace-ms', '60000'],
          ],
          env: { HELIOS_LOG_FORMAT: 'json' },
          logFile: join(logs, `cell-agent-${cell}.log`),
        }),
      );
    for (const cell of CELLS) startAgent(cell, 1);
    const reservedNodes = POOLS.reduce((n, p) => n + p.min, 0);
    await waitFor(`${reservedNodes} reserved nodes Ready`, () => observer!.settled(new Map()).settled && cloud.live().length === reservedNodes, 120_000, 250);
    say(`fleet up: ${reservedNodes} reserved nodes Ready in ${CELLS.length} cells\n`);

    // The trace.
    const active = new Map<string, DeploymentSpec>();
    const demand: DemandInterval[] = [];
    const results: StepResult[] = [];
    const whole = { allocated: 0, provisioned: 0 };
    const wholeTimer = setInterval(() => {
      const s = observer!.sample();
      whole.allocated += s.allocated;
      whole.provisioned += s.provisioned;
    }, 500);
    const started = Date.now();
    let preempted = 0;
    for (const [index, step] of TRACE.entries()) {
      const at = Date.now();
      await applyStep(step, active, operator, observer, sim, settings);
      if (step.preempt) preempted += step.preempt;
      if (step.killAgent) await killMidLaunch(server, procs, startAgent);
      const gpus = demandGpus(active);
      if (demand.length > 0) demand[demand.length - 1]!.to = at;
      demand.push({ from: at, to: at, demand: [...active.values()].map(demandOf) });

      const target = new Map([...active.values()].map((d) => [d.name, d.replicas]));
      let why = '';
      const settled = await waitFor('settled', () => {
        const s = observer!.settled(target);
        why = s.why;
        return s.settled;
      }, settings.settleTimeout * 1000, 200).catch(() => false);
      const settleSeconds = (Date.now() - at) / 1000;
      const window = await sampleWindow(observer, settings.window);
      const ratio = window.provisioned === 0 ? 1 : window.allocated / window.provisioned;
      results.push({ label: step.label, settled, settleSeconds, why, window, ratio, demandGpus: gpus });
      say(
        `step ${index + 1}/${TRACE.length} ${step.label}: demand ${gpus} GPUs; ${settled ? `settled in ${settleSeconds.toFixed(1)} s` : `NOT settled after ${settleSeconds.toFixed(0)} s (${why})`}; ` +
          `steady ${window.allocated.toFixed(0)}/${window.provisioned.toFixed(0)} GPUs allocated/provisioned = ${(ratio * 100).toFixed(1)} %`,
      );
    }
    const ended = Date.now();
    demand[demand.length - 1]!.to = ended;
    clearInterval(wholeTimer);

    // Figures. The last step (everything leaves) has no demand to allocate: it checks scale-down.
    const steady = results.filter((r) => r.demandGpus > 0);
    const allocated = steady.reduce((n, r) => n + r.window.allocated, 0);
    const provisioned = steady.reduce((n, r) => n + r.window.provisioned, 0);
    const allocationRatio = provisioned === 0 ? 0 : allocated / provisioned;
    const paid = spend(POOLS, [...cloud.instances.values()], started, ended);
    const bound = lowerBoundCost(POOLS, demand);
    const latencies = observer.bindLatencies().sort((a, b) => a - b);
    const atMin = POOLS.every((p) => observer!.liveIn(p.name) === p.min);
    const result = {
      allocationRatio: round(allocationRatio, 4),
      allocationRatioWholeRun: round(whole.provisioned === 0 ? 0 : whole.allocated / whole.provisioned, 4),
      costRatio: round(paid / bound, 4),
      capacityP50Seconds: round(quantile(latencies, 0.5), 3),
      capacityP99Seconds: round(quantile(latencies, 0.99), 3),
      duplicateInstances: observer.duplicateInstances(),
      lostReplicas: observer.lost.size,
      replicasBound: latencies.length,
      instancesLaunched: cloud.instances.size,
      launchesRefused: cloud.refusals,
      preemptions: preempted,
      stepsSettled: results.filter((r) => r.settled).length,
      steps: results.length,
      poolsBackAtMin: atMin,
      replicasMadeBy: 'control-plane deployment controller',
    };
    say('');
    say(`allocation (steady windows of ${settings.window} s after each step with demand): ${allocated.toFixed(0)} of ${provisioned.toFixed(0)} GPU-samples = ${(allocationRatio * 100).toFixed(2)} %`);
    say(`allocation over the whole run, transients included: ${(result.allocationRatioWholeRun * 100).toFixed(2)} %`);
    say(`spend ${paid.toFixed(4)} vs lower bound ${bound.toFixed(4)} price-hours over ${((ended - started) / 1000).toFixed(0)} s: costRatio ${result.costRatio}`);
    say(`replica Pending -> Bound: p50 ${result.capacityP50Seconds} s, p99 ${result.capacityP99Seconds} s over ${latencies.length} replicas`);
    say(`instances launched ${result.instancesLaunched}, launches refused (stock-out) ${result.launchesRefused}, preemptions ${preempted}, duplicate instances ${result.duplicateInstances}, lost replicas ${result.lostReplicas}`);
    for (const why of observer.lost.values()) say(`  lost: ${why}`);
    say(`after everything left: ${atMin ? 'every pool back at its min (reserved kept, preemptible and on-demand at 0)' : POOLS.map((p) => `${p.name} ${observer!.liveIn(p.name)}/${p.min}`).join(', ')}`);
    const pass = allocationRatio >= TARGETS.allocationRatio && result.duplicateInstances === TARGETS.duplicateInstances && result.lostReplicas === TARGETS.lostReplicas;
    say(`logs: ${logs}${pass && !settings.keep ? ' (removed after a passing run; --keep keeps them)' : ''}`);
    console.log(JSON.stringify(result));
    if (!pass) say(`bench:capacity: FAILED targets (allocationRatio >= ${TARGETS.allocationRatio}, duplicateInstances = 0, lostReplicas = 0)`);
    if (!settings.keep && pass) rmSync(work, { recursive: true, force: true });
    return pass ? 0 : 1;
  } finally {
    operator?.close();
    for (const [name, proc] of [...procs.entries()].reverse()) {
      await proc.stop('SIGTERM', 10_000).catch((err: unknown) => say(`stopping ${name}: ${String(err)}`));
    }
    await nodes?.stop();
    await runtime.close();
    await server?.stop();
    sim.close();
    await observer?.stop();
    channels?.close();
    tokenApi?.close();
    client?.close();
    await etcd?.stop();
  }
}

/** Applies one step's changes through the operator API and the sim cloud. */
async function applyStep(step: TraceStep, active: Map<string, DeploymentSpec>, operator: BenchOperator, observer: FleetObserver, sim: SimProvider, settings: BenchSettings): Promise<void> {
  for (const pool of step.stockOut ?? []) {
    const spec = POOLS.find((p) => p.name === pool)!;
    sim.setCapacity({ cell: spec.cell, pool }, observer.liveIn(pool));
  }
  for (const pool of step.restock ?? []) sim.setCapacity({ cell: POOLS.find((p) => p.name === pool)!.cell, pool }, undefined);
  for (const victim of observer.busyPreemptible().slice(0, step.preempt ?? 0)) sim.preempt(victim.id, settings.notice * 1000);
  for (const name of step.leave ?? []) {
    await operator.deleteDeployment(name);
    active.delete(name);
  }
  for (const { name, replicas } of step.scale ?? []) {
    await operator.scale(name, replicas);
    active.set(name, { ...active.get(name)!, replicas });
  }
  for (const d of step.arrive ?? []) {
    await operator.applyDeployment(d);
    active.set(d.name, d);
  }
}

/**
 * Kills a cell agent with SIGKILL between a launch intent and the cloud's answer: the first launch
 * the cloud gets after the step is carried out and its answer withheld; that cell's agent dies
 * waiting for it and a new one starts. Without a launch within 15 s, sim-a's agent is killed anyway.
 */
async function killMidLaunch(server: SimCloudServer, procs: Map<string, ComponentProcess>, start: (cell: string, generation: number) => void): Promise<void> {
  let caught!: (cell: string) => void;
  const launched = new Promise<string>((resolve) => (caught = resolve));
  let victim: string | undefined;
  server.beforeAnswer = (method, body) => {
    const cell = (body as { template?: { cell?: string } }).template?.cell;
    if (method !== 'launch' || !cell || (victim && victim !== cell)) return undefined;
    victim = cell;
    caught(cell);
    return new Promise<void>(() => undefined);
  };
  const cell = await Promise.race([launched, sleep(15_000).then(() => undefined)]);
  await procs.get(cell ?? CELLS[0]!)?.stop('SIGKILL');
  server.beforeAnswer = undefined;
  say(`  killed the ${cell ?? CELLS[0]} cell agent (SIGKILL) ${cell ? 'after the cloud launched and before it answered' : '(no launch came within 15 s)'}; starting a new one`);
  start(cell ?? CELLS[0]!, 2);
}

/** Samples allocation every 200 ms for `seconds`; returns the sums (their ratio is time-weighted). */
async function sampleWindow(observer: FleetObserver, seconds: number): Promise<AllocationSample> {
  const sum = { allocated: 0, provisioned: 0 };
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const s = observer.sample();
    sum.allocated += s.allocated;
    sum.provisioned += s.provisioned;
    await sleep(200);
  }
  return sum;
}

function demandGpus(active: ReadonlyMap<string, DeploymentSpec>): number {
  return [...active.values()].reduce((n, d) => n + d.replicas * d.gpus, 0);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

runBench('capacity', main, 2);
