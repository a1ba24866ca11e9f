/**
 * `npm run bench:rollout -- [--replicas 8] [--rate 250] ...`: zero-downtime rollouts under a
 * steady load, with real processes on loopback. A real etcd, the control plane, a cell agent on
 * the sim provider (the sim cloud lives in this process and boots a real node-agent process per
 * instance, which runs real model-server processes), and the router in front of a deployment of
 * `--replicas` replicas. A load generator in this process sends `--rate` requests a second
 * through the router for the whole run, while
 *   1. v2 rolls out (rolloutSeconds, against idealRolloutSeconds);
 *   2. v3, which never passes its readiness probe, rolls out and is rolled back to v2 by the
 *      controller on its own (progress deadline);
 *   3. v4 rolls out and a node is killed (SIGKILL of its agent and replicas) halfway through;
 *      the router's retry covers the requests that hit the dead node before it is noticed.
 * It counts every failed request, every answer from a version whose successor had completed its
 * rollout, and the fewest replicas serving during the rollouts. Prints the figures and, last, one
 * line of JSON. Exits 1 unless failedRequests = 0, staleResponses = 0, minReady >= replicas -
 * maxUnavailable and the broken version was rolled back automatically.
 */
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { Deployment, Kind, NodePhase, wrap, type Resource } from '@helios/api';
import { freePort, startEtcd } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { inEndpointSet } from '@helios/replica-lifecycle';
import { ROLLED_BACK, findCondition, rollingLimits } from '@helios/rollout';
import { NodeHosts, SimCloudServer, SimProvider } from '@helios/sim';
import { Keys, ResourceStore, connectEtcd } from '@helios/store';
import { BENCH_SETTINGS, type BenchSettings } from './bench-settings';
import { benchFailures, idealRolloutSeconds, type RolloutFigures } from './bench-figures';
import { FleetWatch, isComplete } from './fleet-watch';
import { benchSettings, benchWorkspace, runBench } from '../../shared/bench-run';
import { modelServerTemplate } from '../../shared/model-server-template';
import { applySimCell } from '../../shared/sim-cell';
import { LoadGenerator } from './load-generator';
import { staleAnswers, type VersionWindow } from './response-windows';

const ROOT = '/helios/v1';
const CELL = 'bench';
const POOL = 'h100';
const DEPLOYMENT = 'web';
const say = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** GET a URL's body as text. */
function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The value of one sample of a Prometheus text exposition, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** The deployment of the benchmark running model-server `version` (`broken`: never Ready). */
function deploymentOf(s: BenchSettings, version: string, broken = false): Resource {
  return wrap(
    'deployment',
    Deployment.fromPartial({
      metadata: { name: DEPLOYMENT, labels: { bench: 'rollout' } },
      spec: {
        replicas: s.replicas,
        template: modelServerTemplate({ version, latencyMs: s.latencyMs, gpus: 1, broken }),
        strategy: {
          maxSurge: s.maxSurge,
          maxUnavailable: s.maxUnavailable,
          minReadySeconds: s.minReadySeconds,
          progressDeadlineSeconds: s.progressDeadlineSeconds,
          drainSeconds: s.drainSeconds,
          terminationGraceSeconds: 5,
        },
        revisionHistoryLimit: 10,
      },
    }),
  );
}

const versionOf = (d: Deployment | undefined) => d?.spec?.template?.env?.['MODEL_VERSION'];

async function main(): Promise<number> {
  const s = benchSettings('rollout', BENCH_SETTINGS);
  if (typeof s === 'number') return s;
  if (s.replicas < 8 || s.rate < 200) {
    console.error('bench:rollout: the benchmark is defined for --replicas >= 8 and --rate >= 200');
    return 2;
  }
  const limits = rollingLimits(s.maxSurge, s.maxUnavailable, s.replicas);
  if (s.nodes * s.gpusPerNode < s.replicas + limits.maxSurge + s.gpusPerNode) {
    console.error(`bench:rollout: ${s.nodes} nodes of ${s.gpusPerNode} GPUs cannot hold ${s.replicas} replicas + ${limits.maxSurge} surge with one node dead`);
    return 2;
  }

  const { workDir, logs, teardown } = benchWorkspace('rollout', s.keep, say);

  try {
    say(`work dir ${workDir}${s.keep ? ' (kept)' : ''}; logs in ${logs}`);
    const etcd = await startEtcd({ dataDir: join(workDir, 'etcd'), logFile: join(logs, 'etcd.log') });
    teardown.add('stopping etcd', () => etcd.stop());
    const client = connectEtcd(etcd.endpoint);
    teardown.add('closing the etcd client', () => client.close());
    const keys = new Keys(ROOT);
    const store = new ResourceStore(client, keys);
    say(`etcd ${etcd.endpoint}`);

    // The sim cloud and its hosts live here, so a host can be killed as a whole. The hosts join the
    // control plane with the cell's bootstrap token, made once it answers (before any launch).
    const grpcAddr = `127.0.0.1:${await freePort()}`;
    let hostToken = '';
    const sim = new SimProvider({ launchLatencyMs: 200 });
    teardown.add('closing the sim cloud', () => sim.close());
    const hosts = new NodeHosts(sim, { nodeAgent: { entry: 'apps/node-agent/src/main.ts' }, controlPlane: grpcAddr, token: () => hostToken, logDir: logs, leaseTtl: s.nodeLeaseTtl, drainSeconds: s.drainSeconds });
    hosts.start();
    teardown.add('stopping the node agents', () => hosts.stop());
    const simServer = await SimCloudServer.start(sim);
    teardown.add('stopping the sim cloud server', () => simServer.stop());

    const metricsAddr = `127.0.0.1:${await freePort()}`;
    const started: ComponentProcess[] = [];
    const component = (name: string, entry: string, args: string[]) => {
      const proc = launchComponent({ name, entry, args, env: { HELIOS_LOG_FORMAT: 'json' }, logFile: join(logs, `${name.replace('/', '-')}.log`) });
      started.push(proc);
      teardown.add(`stopping ${name}`, () => proc.stop('SIGTERM', 15_000));
      return proc;
    };
    component('control-plane', 'apps/control-plane/src/main.ts', ['--etcd', etcd.endpoint, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr, '--root', ROOT]);
    const api = connectOperator(grpcAddr);
    teardown.add('closing the API client', () => api.close());
    await waitFor('the control plane to answer', () => api.list({ kind: Kind.KIND_CELL, parent: '', labelSelector: {} }).then(() => true), 90_000, 250);
    say(`control plane ${grpcAddr}, metrics http://${metricsAddr}/metrics`);

    hostToken = (await api.createBootstrapToken({ cell: CELL, pool: '', uses: 1_000, ttlSeconds: 24 * 3_600, description: 'bench:rollout hosts' })).token;
    await applySimCell(api, { cell: CELL, pool: POOL, nodes: s.nodes, gpusPerNode: s.gpusPerNode });
    component(`cell-agent/${CELL}`, 'apps/cell-agent/src/main.ts', ['--etcd', etcd.endpoint, '--root', ROOT, '--cell', CELL, '--sim-url', simServer.url, '--node-lease-ttl', String(s.nodeLeaseTtl)]);
    await waitFor(
      `${s.nodes} Ready nodes`,
      async () => (await store.list('node', CELL)).items.filter((n) => n.status?.phase === NodePhase.NODE_PHASE_READY).length >= s.nodes,
      120_000,
      250,
    );
    say(`${s.nodes} nodes Ready (${s.gpusPerNode} GPUs each), one node-agent process per node`);

    const fleet = new FleetWatch(client, keys, DEPLOYMENT);
    await fleet.start();
    teardown.add('stopping the watches', () => fleet.stop());
    const applyVersion = async (version: string, broken = false): Promise<number> => {
      const res = await api.apply({ resource: deploymentOf(s, version, broken), dryRun: false });
      const applied = res.resource?.kind?.$case === 'deployment' ? res.resource.kind.deployment : undefined;
      return applied?.metadata?.generation ?? 0;
    };
    /** Waits until the deployment runs `version` on every replica, complete, at generation >= `generation`. */
    const rolledOut = (version: string, generation: number, what: string) =>
      waitFor(
        what,
        () => {
          const d = fleet.deployment();
          return isComplete(d) && versionOf(d) === version && (d?.metadata?.generation ?? 0) >= generation && fleet.serving().length === s.replicas ? Date.now() : undefined;
        },
        s.phaseTimeout * 1000,
        20,
      );

    const g1 = await applyVersion('v1');
    await rolledOut('v1', g1, 'v1 to roll out');
    say(`deployment ${DEPLOYMENT}: ${s.replicas} replicas of v1 serving`);

    const routerPort = await freePort();
    const routerUrl = `http://127.0.0.1:${routerPort}`;
    component('router', 'apps/router/src/main.ts', ['--listen', `127.0.0.1:${routerPort}`, '--server', grpcAddr, '--deployment', DEPLOYMENT, '--retries', String(s.routerRetries)]);
    await waitFor(
      `the router to serve from all ${s.replicas} replicas`,
      async () => {
        const metrics = await fetchText(`${routerUrl}/metrics`).catch(() => undefined);
        const ok = await fetchText(`${routerUrl}/v1/infer?input=probe`).catch(() => undefined);
        return ok?.status === 200 && metrics !== undefined && sample(metrics.body, 'helios_router_endpoints', {}) >= s.replicas;
      },
      60_000,
      250,
    );
    say(`router ${routerUrl} (retries ${s.routerRetries})`);

    const load = new LoadGenerator({ url: routerUrl, rate: s.rate, maxSeconds: s.maxSeconds, maxRequests: Math.ceil(s.rate * s.maxSeconds) });
    const windows: VersionWindow[] = [];
    const phaseFailures = new Map<string, [number, number]>();
    let windowStart = Date.now();
    load.start();
    teardown.add('stopping the load', () => load.stop());
    say(`load: ${s.rate} requests/s through the router`);
    await sleep(3_000);

    // --- Phase 1: a plain rollout.
    fleet.beginPhase('rollouts');
    let t0 = Date.now();
    windows.push({ from: windowStart, to: t0, allowed: new Set(['v1']), label: 'v1' });
    const g2 = await applyVersion('v2');
    const t1 = await rolledOut('v2', g2, 'v2 to roll out');
    phaseFailures.set('rollout v1->v2', [t0, t1]);
    const rolloutMs = t1 - t0;
    const startup = fleet
      .replicaList()
      .filter((r) => inEndpointSet(r) && r.status?.readyTime && r.metadata?.createdAt)
      .map((r) => Date.parse(r.status!.readyTime!) - Date.parse(r.metadata!.createdAt!))
      .sort((a, b) => a - b);
    const readySeconds = (startup[Math.floor(startup.length / 2)] ?? 0) / 1000;
    const ideal = idealRolloutSeconds(s.replicas, s.maxSurge, s.maxUnavailable, readySeconds, s.minReadySeconds);
    say(`phase 1: v1 -> v2 rolled out in ${seconds(rolloutMs)} s (ideal ${ideal.toFixed(2)} s: replicas Ready ${readySeconds.toFixed(2)} s after creation)`);
    windowStart = t1;
    await sleep(3_000);

    // --- Phase 2: a broken version, rolled back by the controller on its own.
    t0 = Date.now();
    windows.push({ from: windowStart, to: t0, allowed: new Set(['v2']), label: 'v2' });
    const g3 = await applyVersion('v3', true);
    say(`phase 2: v3 (never Ready) applied; progress deadline ${s.progressDeadlineSeconds} s`);
    const rolledBackAt = await waitFor(
      'the automatic rollback',
      () => {
        const c = findCondition(fleet.deployment()?.status?.conditions, ROLLED_BACK);
        return c?.status === 'True' && Date.parse(c.lastTransitionTime ?? '') >= t0 - 1000 ? c : undefined;
      },
      s.phaseTimeout * 1000,
      20,
    );
    const t2 = await rolledOut('v2', g3 + 1, 'v2 to be back on every replica');
    phaseFailures.set('broken v3, rolled back', [t0, t2]);
    const metricsText = (await fetchText(`http://${metricsAddr}/metrics`)).body;
    const rollbacksCounted = sample(metricsText, 'helios_deployment_rollbacks_total', { deployment: DEPLOYMENT });
    const rolledBackAutomatically = rollbacksCounted >= 1 && versionOf(fleet.deployment()) === 'v2';
    say(`phase 2: rolled back (${rolledBackAt.reason}: ${rolledBackAt.message}); back on v2 in ${seconds(t2 - t0)} s; helios_deployment_rollbacks_total ${rollbacksCounted}`);
    fleet.endPhase();
    windowStart = t2;
    await sleep(3_000);

    // --- Phase 3: a rollout with a node killed halfway.
    fleet.beginPhase('node-kill');
    t0 = Date.now();
    windows.push({ from: windowStart, to: t0, allowed: new Set(['v2']), label: 'v2 after rollback' });
    const g4 = await applyVersion('v4');
    await waitFor(
      'v4 to be halfway',
      () => (fleet.deployment()?.status?.updatedReplicas ?? 0) >= Math.ceil(s.replicas / 2) && fleet.serving().some((r) => r.spec?.template?.env?.['MODEL_VERSION'] === 'v4'),
      s.phaseTimeout * 1000,
      20,
    );
    const byNode = new Map<string, number>();
    for (const r of fleet.serving()) if (r.spec?.node) byNode.set(r.spec.node, (byNode.get(r.spec.node) ?? 0) + 1);
    const [victim, victimReplicas] = [...byNode.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (!victim) throw new Error('no node serves a replica to kill');
    const killedProcesses = hosts.kill(victim);
    fleet.markDead(victim);
    const tKill = Date.now();
    say(`phase 3: v4 halfway; killed node ${victim} (${victimReplicas} serving replicas, ${killedProcesses} replica processes) with SIGKILL`);
    const t3 = await rolledOut('v4', g4, 'v4 to roll out despite the dead node');
    phaseFailures.set('rollout v2->v4, node killed', [t0, t3]);
    say(`phase 3: v4 rolled out in ${seconds(t3 - t0)} s (${seconds(t3 - tKill)} s after the kill)`);
    fleet.endPhase();
    await sleep(3_000);
    await load.stop();
    const loadEnd = Date.now();
    windows.push({ from: t3, to: loadEnd + 1, allowed: new Set(['v4']), label: 'v4' });

    // --- Figures.
    const stale = staleAnswers(load.answers, windows);
    const failedByPhase: Record<string, number> = {};
    for (const f of load.failures) {
      const phase = [...phaseFailures.entries()].find(([, [from, to]]) => f.sentAt >= from && f.sentAt <= to)?.[0] ?? 'between phases';
      failedByPhase[phase] = (failedByPhase[phase] ?? 0) + 1;
    }
    const figures: RolloutFigures = {
      requests: load.sent,
      failedRequests: load.failures.length,
      failedByPhase,
      staleResponses: stale.total,
      rolloutSeconds: seconds(rolloutMs),
      idealRolloutSeconds: Math.round(ideal * 100) / 100,
      minReady: fleet.minServingIn('rollouts'),
      minReadyNodeKill: fleet.minServingIn('node-kill'),
      rolledBackAutomatically,
      rollbackSeconds: seconds(t2 - (phaseFailures.get('broken v3, rolled back')?.[0] ?? t2)),
      nodeKillRolloutSeconds: seconds(t3 - (phaseFailures.get('rollout v2->v4, node killed')?.[0] ?? t3)),
    };
    const failures = benchFailures(figures, s.replicas, limits.maxUnavailable);
    const rate = load.sent / ((loadEnd - (windows[0]?.from ?? loadEnd)) / 1000);

    console.log('');
    console.log(`requests sent              ${figures.requests} (${rate.toFixed(0)}/s for ${seconds(loadEnd - (windows[0]?.from ?? loadEnd))} s)`);
    console.log(`failed requests            ${figures.failedRequests}${figures.failedRequests ? ` ${JSON.stringify(failedByPhase)}` : ''}`);
    for (const f of load.failures.slice(0, 5)) console.log(`  e.g. at +${seconds(f.sentAt - (windows[0]?.from ?? 0))} s: ${f.reason}`);
    console.log(`stale answers              ${figures.staleResponses}${stale.total ? ` ${JSON.stringify(stale.byWindow)}` : ''}`);
    console.log(`rollout v1 -> v2           ${figures.rolloutSeconds} s (ideal ${figures.idealRolloutSeconds} s for ${s.replicas} replicas, surge ${limits.maxSurge}, unavailable ${limits.maxUnavailable}, minReady ${s.minReadySeconds} s)`);
    console.log(`min serving, rollouts      ${figures.minReady} (at least ${s.replicas - limits.maxUnavailable} wanted)`);
    console.log(`broken v3 rolled back      ${figures.rolledBackAutomatically ? 'yes, automatically' : 'NO'} (${figures.rollbackSeconds} s from apply to v2 complete; deadline ${s.progressDeadlineSeconds} s)`);
    console.log(`rollout v2 -> v4 + kill    ${figures.nodeKillRolloutSeconds} s; min serving ${figures.minReadyNodeKill} (node ${victim} with ${victimReplicas} replicas killed)`);
    console.log(failures.length ? `FAIL: ${failures.join('; ')}` : 'PASS');
    console.log(
      JSON.stringify({
        requests: figures.requests,
        failedRequests: figures.failedRequests,
        rolloutSeconds: figures.rolloutSeconds,
        idealRolloutSeconds: figures.idealRolloutSeconds,
        minReady: figures.minReady,
        rolledBackAutomatically: figures.rolledBackAutomatically,
        staleResponses: figures.staleResponses,
        minReadyNodeKill: figures.minReadyNodeKill,
        rollbackSeconds: figures.rollbackSeconds,
        nodeKillRolloutSeconds: figures.nodeKillRolloutSeconds,
      }),
    );
    return failures.length ? 1 : 0;
  } finally {
    await teardown.run();
  }
}

runBench('rollout', main);
