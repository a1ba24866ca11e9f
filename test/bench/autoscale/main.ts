/**
 * `npm run bench:autoscale -- [--latency-ms 200] [--base-rate 10] ...`: the autoscaler under a
 * load profile, with real processes on loopback. A real etcd, the control plane, a cell agent on
 * the sim provider (the sim cloud lives in this process and boots a real node-agent process per
 * node, which runs real model-server processes with a fixed cost per request), and the router in
 * front of an autoscaled deployment (min 0), reporting the load it sees. A load generator here
 * drives: a flat base rate; a step up by --step-factor and a plateau; noise of +-20 % around the
 * stepped level; a step down to the base rate; idle until the deployment is at zero; a burst from
 * zero. Figures: scaleUpSeconds (step -> enough Ready replicas to serve it at target),
 * scaleDownSeconds (step down -> spec.replicas back to what the base needs), overshootReplicas
 * (peak asked for during step and plateau minus what the step needs), flapCount (direction
 * changes during the noise), coldStartFirstResponseSeconds (first request after zero -> its
 * answer), failedRequests (the requests held at zero included). Prints them and, last, one line
 * of JSON. Exits 1 unless scaleUpSeconds <= 30, flapCount = 0, failedRequests = 0 and
 * overshootReplicas <= 1.
 */
import { join } from 'node:path';
import { Deployment, Kind, NodePhase, wrap } from '@helios/api';
import { freePort, startEtcd } from '@helios/etcd-process';
import { launchComponent, waitFor } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { NodeHosts, SimCloudServer, SimProvider } from '@helios/sim';
import { Keys, ResourceStore, connectEtcd } from '@helios/store';
import { benchSettings, benchWorkspace, runBench } from '../../shared/bench-run';
import { modelServerTemplate } from '../../shared/model-server-template';
import { applySimCell } from '../../shared/sim-cell';
import { benchFailures, flapCount, neededReplicas, peakDesired, secondsUntil, type AutoscaleFigures, type ReplicaSample } from './autoscale-figures';
import { BENCH_SETTINGS } from './bench-settings';
import { RateLoad } from './rate-load';

const ROOT = '/helios/v1';
const CELL = 'bench';
const POOL = 'h100';
const DEPLOYMENT = 'chat';
const say = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const s = benchSettings('autoscale', BENCH_SETTINGS);
  if (typeof s === 'number') return s;
  const stepRate = s.baseRate * s.stepFactor;
  const needBase = neededReplicas(s.baseRate, s.latencyMs, s.target);
  const needStep = neededReplicas(stepRate, s.latencyMs, s.target);
  const maxReplicas = s.nodes * s.gpusPerNode;
  if (neededReplicas(stepRate * (1 + s.noise), s.latencyMs, s.target) + 1 > maxReplicas) {
    console.error(`bench:autoscale: ${s.nodes} nodes of ${s.gpusPerNode} GPUs cannot hold the ${needStep} replicas (plus noise) the step needs`);
    return 2;
  }
  const { workDir, logs, teardown } = benchWorkspace('autoscale', s.keep, say);
  try {
    say(`work dir ${workDir}${s.keep ? ' (kept)' : ''}; logs in ${logs}`);
    const etcd = await startEtcd({ dataDir: join(workDir, 'etcd'), logFile: join(logs, 'etcd.log') });
    teardown.add('stopping etcd', () => etcd.stop());
    const client = connectEtcd(etcd.endpoint);
    teardown.add('closing the etcd client', () => client.close());
    const store = new ResourceStore(client, new Keys(ROOT));

    // The hosts join the control plane with the cell's bootstrap token, made once it answers
    // (before any launch).
    const grpcAddr = `127.0.0.1:${await freePort()}`;
    let hostToken = '';
    const sim = new SimProvider({ launchLatencyMs: 200 });
    teardown.add('closing the sim cloud', () => sim.close());
    const hosts = new NodeHosts(sim, { nodeAgent: { entry: 'apps/node-agent/src/main.ts' }, controlPlane: grpcAddr, token: () => hostToken, logDir: logs, leaseTtl: 3, drainSeconds: 2 });
    hosts.start();
    teardown.add('stopping the node agents', () => hosts.stop());
    const simServer = await SimCloudServer.start(sim);
    teardown.add('stopping the sim cloud server', () => simServer.stop());

    const metricsAddr = `127.0.0.1:${await freePort()}`;
    const component = (name: string, entry: string, args: string[]) => {
      const proc = launchComponent({ name, entry, args, env: { HELIOS_LOG_FORMAT: 'json' }, logFile: join(logs, `${name.replace('/', '-')}.log`) });
      teardown.add(`stopping ${name}`, () => proc.stop('SIGTERM', 15_000));
      return proc;
    };
    component('control-plane', 'apps/control-plane/src/main.ts', ['--etcd', etcd.endpoint, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr, '--root', ROOT]);
    const api = connectOperator(grpcAddr);
    teardown.add('closing the API client', () => api.close());
    await waitFor('the control plane to answer', () => api.list({ kind: Kind.KIND_CELL, parent: '', labelSelector: {} }).then(() => true), 90_000, 250);
    hostToken = (await api.createBootstrapToken({ cell: CELL, pool: '', uses: 1_000, ttlSeconds: 24 * 3_600, description: 'bench:autoscale hosts' })).token;
    await applySimCell(api, { cell: CELL, pool: POOL, nodes: s.nodes, gpusPerNode: s.gpusPerNode });
    component(`cell-agent/${CELL}`, 'apps/cell-agent/src/main.ts', ['--etcd', etcd.endpoint, '--root', ROOT, '--cell', CELL, '--sim-url', simServer.url, '--node-lease-ttl', '3']);
    await waitFor(`${s.nodes} Ready nodes`, async () => (await store.list('node', CELL)).items.filter((n) => n.status?.phase === NodePhase.NODE_PHASE_READY).length >= s.nodes, 120_000, 250);
    say(`${s.nodes} nodes Ready (${s.gpusPerNode} GPUs each); control plane ${grpcAddr}`);

    const template = modelServerTemplate({ version: 'v1', latencyMs: s.latencyMs, gpus: 1 });
    const autoscaling = {
      minReplicas: 0,
      maxReplicas,
      targetLoad: s.target,
      stableWindowSeconds: s.stabilizationSeconds,
      scaleDownStabilizationSeconds: s.stabilizationSeconds,
      scaleDownStepSeconds: 5,
      scaleToZeroIdleSeconds: s.idleSeconds,
    };
    await api.apply({ dryRun: false, resource: wrap('deployment', Deployment.fromPartial({ metadata: { name: DEPLOYMENT }, spec: { replicas: needBase, template, strategy: { drainSeconds: 2, terminationGraceSeconds: 5 }, autoscaling } })) });

    const routerPort = await freePort();
    const routerUrl = `http://127.0.0.1:${routerPort}`;
    component('router', 'apps/router/src/main.ts', ['--listen', `127.0.0.1:${routerPort}`, '--server', grpcAddr, '--deployment', DEPLOYMENT, '--retries', '5']);
    await waitFor('the router to serve', async () => (await fetch(`${routerUrl}/v1/infer?input=probe`).catch(() => undefined))?.status === 200, 120_000, 250);
    say(`router ${routerUrl}; deployment ${DEPLOYMENT}: ${s.latencyMs} ms a request, target ${s.target} in flight, min 0, max ${maxReplicas}`);

    // The deployment as seen every 200 ms.
    const samples: ReplicaSample[] = [];
    const poll = setInterval(() => {
      void store.get('deployment', DEPLOYMENT).then((d) => samples.push({ t: Date.now(), desired: d?.spec?.replicas ?? 0, ready: d?.status?.readyReplicas ?? 0 }), () => undefined);
    }, 200);
    teardown.add('stopping the poll', () => clearInterval(poll));

    let rate = s.baseRate;
    const load = new RateLoad(routerUrl, () => rate);
    load.start();
    teardown.add('stopping the load', () => load.stop());
    const phase = async (name: string, r: number, seconds: number) => {
      rate = r;
      say(`${name}: ${r}/s for ${seconds} s`);
      const t = Date.now();
      await sleep(seconds * 1000);
      return t;
    };
    await phase('flat', s.baseRate, s.flatSeconds);
    const tStep = await phase(`step x${s.stepFactor}`, stepRate, s.plateauSeconds);
    const tNoise = Date.now();
    rate = stepRate;
    say(`noise: ${stepRate}/s +-${s.noise * 100} % every second for ${s.noiseSeconds} s`);
    let seed = 12345;
    const jitter = setInterval(() => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      rate = stepRate * (1 + s.noise * ((seed / 2 ** 32) * 2 - 1));
    }, 1000);
    await sleep(s.noiseSeconds * 1000);
    clearInterval(jitter);
    const tDown = Date.now();
    rate = s.baseRate;
    say(`step down: ${s.baseRate}/s until the deployment is back to ${needBase}`);
    await waitFor('the scale-down', () => samples.some((x) => x.t >= tDown && x.desired <= needBase), s.phaseTimeout * 1000, 200).catch(() => undefined);
    await sleep(5_000);
    const tIdle = Date.now();
    rate = 0;
    say('idle: no load until the deployment is at zero');
    await waitFor('zero replicas', () => samples.some((x) => x.t >= tIdle && x.desired === 0 && x.ready === 0), s.phaseTimeout * 1000, 200).catch(() => undefined);
    const tZero = Date.now();
    say(`burst from zero: ${s.baseRate}/s for ${s.burstSeconds} s`);
    const first = load.once();
    rate = s.baseRate;
    await sleep(s.burstSeconds * 1000);
    rate = 0;
    const coldStart = await first;
    await load.stop();
    clearInterval(poll);

    const failures = load.outcomes.filter((o) => o.failure !== '');
    const figures: AutoscaleFigures = {
      scaleUpSeconds: secondsUntil(samples, tStep, (x) => x.ready >= needStep),
      scaleDownSeconds: secondsUntil(samples, tDown, (x) => x.desired <= needBase),
      overshootReplicas: Math.max(0, peakDesired(samples, tStep, tNoise) - needStep),
      flapCount: flapCount(samples, tNoise, tDown),
      coldStartFirstResponseSeconds: coldStart.failure === '' ? Math.round(coldStart.latencyMs / 10) / 100 : undefined,
      failedRequests: failures.length,
    };
    const zeroSeconds = secondsUntil(samples, tIdle, (x) => x.desired === 0);
    const missed = benchFailures(figures);
    console.log('');
    console.log(`requests sent                    ${load.sent}`);
    console.log(`failed requests                  ${figures.failedRequests}`);
    for (const f of failures.slice(0, 5)) console.log(`  e.g. at +${((f.sentAt - tStep) / 1000).toFixed(1)} s from the step: ${f.failure}`);
    console.log(`scale up (step -> ${needStep} Ready)     ${figures.scaleUpSeconds ?? 'never'} s`);
    console.log(`overshoot                        ${figures.overshootReplicas} (peak ${peakDesired(samples, tStep, tNoise)} asked for, ${needStep} needed)`);
    console.log(`flaps under +-${s.noise * 100} % noise          ${figures.flapCount} (replicas ${[...new Set(samples.filter((x) => x.t >= tNoise && x.t < tDown).map((x) => x.desired))].join(',')})`);
    console.log(`scale down (-> ${needBase})               ${figures.scaleDownSeconds ?? 'never'} s (stabilization ${s.stabilizationSeconds} s)`);
    console.log(`idle -> zero                     ${zeroSeconds ?? 'never'} s (idle window ${s.idleSeconds} s), zero reached at +${((tZero - tIdle) / 1000).toFixed(1)} s`);
    console.log(`cold start, first response       ${figures.coldStartFirstResponseSeconds ?? `failed: ${coldStart.failure}`} s`);
    console.log(missed.length ? `FAIL: ${missed.join('; ')}` : 'PASS');
    console.log(JSON.stringify({ ...figures, requests: load.sent, idleToZeroSeconds: zeroSeconds }));
    return missed.length ? 1 : 0;
  } finally {
    await teardown.run();
  }
}

runBench('autoscale', main);
