/**
 * `npm run bench:footprint -- [--agents 3]`: what each Helios component costs to run, with real
 * processes on loopback started as the local fleet starts them. A real etcd, the control plane, a
 * cell agent on the sim cloud (the sim lives in this process and boots a real node-agent process
 * per instance, NodeHosts), `--agents` node agents booted one after another (the pool grows by
 * one once the previous node is registered, so each agent is timed alone), a one-replica
 * deployment (a model-server process under a node agent) and the router in front of it.
 *
 * For each component it prints the RSS of the process itself (VmRSS from /proc/<pid>/status,
 * children not counted), sampled once everything is ready and has idled `--settle` seconds, and
 * its start-to-ready time:
 *   etcd           start -> /health answers (startEtcd)
 *   control plane  spawn -> gRPC health SERVING
 *   cell agent     spawn -> its liveness key in etcd
 *   node agent     spawn (the sim instance turning running) -> heartbeat key present and Node Ready
 *   model server   process start (/proc) -> its /healthz answers 200
 *   router         spawn -> /router/healthz 200 (the endpoint set is known)
 * Readiness is polled every 20 ms. Each process's CPU seconds when it was seen ready are printed
 * beside its wall time, with the machine's load: on a busy machine wall time grows, CPU hardly.
 * Ends with one line of JSON. Exits 1 unless the worst node
 * agent has RSS <= 100 MiB and start to registered <= 1.5 s; the others have no target.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Deployment, NodePhase, ReplicaPhase, wrap } from '@helios/api';
import { freePort, startEtcd } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { NodeHosts, SimCloudServer, SimProvider } from '@helios/sim';
import { Keys, ResourceStore, connectEtcd } from '@helios/store';
import { benchSettings, benchWorkspace, runBench } from '../../shared/bench-run';
import { modelServerTemplate } from '../../shared/model-server-template';
import { applySimCell } from '../../shared/sim-cell';
import { BENCH_SETTINGS } from './bench-settings';
import { NODE_AGENT_TARGETS, footprintFailures, summarize, type SampleSummary } from './footprint-figures';
import { GrpcHealth } from './grpc-health';
import { processMemory, type ProcessMemory } from './proc-status';
import { processCpuSeconds } from './process-cpu';
import { processStartedAt } from './process-start';
import { childProcesses, isNodeAgentOf, processEnvironment } from './process-tree';

const ROOT = '/helios/v1';
const CELL = 'footprint';
const POOL = 'footprint-h100';
const DEPLOYMENT = 'footprint';
const POLL_MS = 20;
const say = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms) / 1000;

/** One measured process. */
interface Measured {
  name: string;
  pid: number | undefined;
  readySeconds: number;
  /** CPU seconds it had used when it was seen ready: start-up work, whatever the machine's load. */
  cpuSeconds: number | undefined;
  memory?: ProcessMemory;
}

/** GET `url`; true on a 2xx answer within 500 ms. */
const answersOk = (url: string) => fetch(url, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);

async function main(): Promise<number> {
  const s = benchSettings('footprint', BENCH_SETTINGS);
  if (typeof s === 'number') return s;
  const { workDir, logs, teardown } = benchWorkspace('footprint', s.keep, say);

  try {
    say(`work dir ${workDir}${s.keep ? ' (kept)' : ''}; logs in ${logs}`);
    const measured: Measured[] = [];
    const component = (name: string, entry: string, args: string[]): ComponentProcess => {
      const proc = launchComponent({ name, entry, args, env: { HELIOS_LOG_FORMAT: 'json' }, logFile: join(logs, `${name.replace('/', '-')}.log`) });
      teardown.add(`stopping ${name}`, () => proc.stop('SIGTERM', 15_000));
      return proc;
    };

    let t0 = Date.now();
    const etcd = await startEtcd({ dataDir: join(workDir, 'etcd'), logFile: join(logs, 'etcd.log') });
    measured.push({ name: 'etcd', pid: etcd.pid, readySeconds: seconds(Date.now() - t0), cpuSeconds: processCpuSeconds(etcd.pid) });
    teardown.add('stopping etcd', () => etcd.stop());
    const client = connectEtcd(etcd.endpoint);
    teardown.add('closing the etcd client', () => client.close());
    const keys = new Keys(ROOT);
    const store = new ResourceStore(client, keys);
    say(`etcd ${etcd.endpoint}`);

    const grpcAddr = `127.0.0.1:${await freePort()}`;
    const metricsAddr = `127.0.0.1:${await freePort()}`;
    t0 = Date.now();
    const controlPlane = component('control-plane', 'apps/control-plane/src/main.ts', ['--etcd', etcd.endpoint, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr, '--root', ROOT]);
    const health = new GrpcHealth(grpcAddr);
    teardown.add('closing the health client', () => health.close());
    await waitFor('the control plane to serve gRPC health', () => health.serving(), 90_000, POLL_MS);
    measured.push({ name: 'control-plane', pid: controlPlane.child.pid, readySeconds: seconds(Date.now() - t0), cpuSeconds: processCpuSeconds(controlPlane.child.pid) });
    const api = connectOperator(grpcAddr);
    teardown.add('closing the API client', () => api.close());
    say(`control plane ${grpcAddr}`);

    // The sim cloud and its hosts live here, as in the local fleet. The spawn time of each agent
    // is when its instance turns running: NodeHosts (subscribed first) spawns it in that callback.
    const sim = new SimProvider({ launchLatencyMs: 200 });
    teardown.add('closing the sim cloud', () => sim.close());
    const { token } = await api.createBootstrapToken({ cell: CELL, pool: '', uses: 1_000, ttlSeconds: 24 * 3_600, description: 'bench:footprint hosts' });
    const hosts = new NodeHosts(sim, { nodeAgent: { entry: 'apps/node-agent/src/main.ts' }, controlPlane: grpcAddr, token: () => token, logDir: logs, leaseTtl: 5, drainSeconds: 1 });
    hosts.start();
    teardown.add('stopping the node agents', () => hosts.stop());
    const spawnedAt = new Map<string, number>();
    sim.onInstanceRunning((e) => void spawnedAt.set(e.instance.node, Date.now()));
    const simServer = await SimCloudServer.start(sim);
    teardown.add('stopping the sim cloud server', () => simServer.stop());

    await applySimCell(api, { cell: CELL, pool: POOL, nodes: 0, gpusPerNode: s.gpusPerNode });
    t0 = Date.now();
    const cellAgent = component(`cell-agent/${CELL}`, 'apps/cell-agent/src/main.ts', [
      '--etcd', etcd.endpoint, '--root', ROOT, '--cell', CELL, '--sim-url', simServer.url, '--node-lease-ttl', '5', '--metrics-addr', `127.0.0.1:${await freePort()}`,
    ]);
    await waitFor("the cell agent's liveness key", async () => (await client.get(keys.agent(CELL)).string()) !== null, 90_000, POLL_MS);
    measured.push({ name: `cell-agent/${CELL}`, pid: cellAgent.child.pid, readySeconds: seconds(Date.now() - t0), cpuSeconds: processCpuSeconds(cellAgent.child.pid) });
    say(`cell agent ${CELL} (sim cloud at ${simServer.url})`);

    const agents: Measured[] = [];
    for (let k = 1; k <= s.agents; k++) {
      await applySimCell(api, { cell: CELL, pool: POOL, nodes: k, gpusPerNode: s.gpusPerNode });
      const node = await waitFor(`node agent ${k} to be spawned`, () => [...spawnedAt.keys()].find((n) => !agents.some((a) => a.name === `node-agent/${n}`)), 60_000, POLL_MS);
      const registeredAt = await waitFor(
        `node ${node} registered`,
        async () => {
          const n = await store.get('node', node, CELL);
          if (n?.status?.phase !== NodePhase.NODE_PHASE_READY) return undefined;
          return (await client.get(keys.heartbeat(CELL, node)).string()) !== null ? Date.now() : undefined;
        },
        60_000,
        POLL_MS,
      );
      const pid = childProcesses(process.pid).find((p) => isNodeAgentOf(p.argv, node))?.pid;
      agents.push({ name: `node-agent/${node}`, pid, readySeconds: seconds(registeredAt - spawnedAt.get(node)!), cpuSeconds: processCpuSeconds(pid) });
      say(`node agent ${node} registered ${agents.at(-1)!.readySeconds} s after spawn (pid ${pid})`);
    }
    measured.push(...agents);

    if (s.modelServer) {
      await api.apply({
        resource: wrap(
          'deployment',
          Deployment.fromPartial({
            metadata: { name: DEPLOYMENT },
            spec: { replicas: 1, template: modelServerTemplate({ version: 'v1', latencyMs: 0, gpus: 1 }), placement: { cells: [CELL] } },
          }),
        ),
        dryRun: false,
      });
      const agentPids = agents.flatMap((a) => (a.pid === undefined ? [] : [a.pid]));
      const server = await waitFor(
        'the model-server process',
        () => agentPids.flatMap((pid) => childProcesses(pid)).find((p) => p.argv.some((a) => a.endsWith('apps/model-server/src/main.ts'))),
        120_000,
        POLL_MS,
      );
      const startedAt = processStartedAt(server.pid);
      const port = processEnvironment(server.pid)?.['PORT'];
      if (startedAt === undefined || !port) throw new Error(`model-server pid ${server.pid} vanished before it could be measured`);
      const readyAt = await waitFor('the model server /healthz 200', () => answersOk(`http://127.0.0.1:${port}/healthz`).then((ok) => ok && Date.now()), 60_000, POLL_MS);
      measured.push({ name: 'model-server', pid: server.pid, readySeconds: seconds(readyAt - startedAt), cpuSeconds: processCpuSeconds(server.pid) });
      await waitFor('the replica Ready', async () => (await store.list('replica', DEPLOYMENT)).items.some((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_READY), 60_000, POLL_MS);
      say(`model server pid ${server.pid} on port ${port}, a replica of deployment ${DEPLOYMENT}`);
    }

    const routerPort = await freePort();
    t0 = Date.now();
    const router = component('router', 'apps/router/src/main.ts', ['--listen', `127.0.0.1:${routerPort}`, '--server', grpcAddr, '--deployment', DEPLOYMENT]);
    await waitFor('the router to know its endpoint set', () => answersOk(`http://127.0.0.1:${routerPort}/router/healthz`), 60_000, POLL_MS);
    measured.push({ name: 'router', pid: router.child.pid, readySeconds: seconds(Date.now() - t0), cpuSeconds: processCpuSeconds(router.child.pid) });
    say(`router 127.0.0.1:${routerPort}`);

    say(`all ready; idling ${s.settle} s before sampling RSS`);
    await sleep(s.settle * 1000);
    for (const m of measured) m.memory = processMemory(m.pid);
    const gone = measured.filter((m) => m.memory === undefined).map((m) => m.name);
    if (gone.length) throw new Error(`no /proc status for ${gone.join(', ')}: exited before the sample (see ${logs})`);

    const agentFigures = { rssMiB: summarize(agents.map((a) => a.memory!.rss)), registerSeconds: summarize(agents.map((a) => a.readySeconds)) };
    const agentCpu = summarize(agents.flatMap((a) => (a.cpuSeconds === undefined ? [] : [a.cpuSeconds])));
    const failures = footprintFailures(agentFigures);
    const range = (x: SampleSummary, unit: string) => `median ${x.median} ${unit}, worst ${x.max} ${unit}`;

    console.log('');
    console.log(`${'component'.padEnd(34)}${'pid'.padStart(8)}${'ready s'.padStart(10)}${'cpu s'.padStart(8)}${'RSS MiB'.padStart(10)}${'peak MiB'.padStart(10)}`);
    for (const m of measured) {
      console.log(`${m.name.padEnd(34)}${String(m.pid ?? '-').padStart(8)}${m.readySeconds.toFixed(3).padStart(10)}${(m.cpuSeconds?.toFixed(2) ?? '-').padStart(8)}${m.memory!.rss.toFixed(1).padStart(10)}${m.memory!.peak.toFixed(1).padStart(10)}`);
    }
    console.log(`${`node agents (${agents.length})`.padEnd(34)}RSS ${range(agentFigures.rssMiB, 'MiB')} (target <= ${NODE_AGENT_TARGETS.rssMiB})`);
    console.log(`${''.padEnd(34)}start to registered ${range(agentFigures.registerSeconds, 's')} (target <= ${NODE_AGENT_TARGETS.registerSeconds})`);
    console.log(`${''.padEnd(34)}CPU used by then ${range(agentCpu, 's')}; machine load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
    console.log(failures.length ? `FAIL: ${failures.join('; ')}` : 'PASS');
    const one = (name: string) => {
      const m = measured.find((x) => x.name === name || x.name.startsWith(`${name}/`));
      return m ? { rssMiB: m.memory!.rss, readySeconds: m.readySeconds, cpuSeconds: m.cpuSeconds ?? null } : null;
    };
    console.log(
      JSON.stringify({
        nodeAgents: agents.length,
        nodeAgentRssMiB: { median: agentFigures.rssMiB.median, max: agentFigures.rssMiB.max },
        nodeAgentRegisterSeconds: { median: agentFigures.registerSeconds.median, max: agentFigures.registerSeconds.max },
        nodeAgentRegisterCpuSeconds: { median: agentCpu.median, max: agentCpu.max },
        etcd: one('etcd'),
        controlPlane: one('control-plane'),
        cellAgent: one('cell-agent'),
        modelServer: one('model-server'),
        router: one('router'),
      }),
    );
    return failures.length ? 1 : 0;
  } finally {
    await teardown.run();
  }
}

runBench('footprint', main);
