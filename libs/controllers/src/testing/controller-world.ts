import { createLogger } from '@helios/config';
import { ControllerMetrics, Manager, type Clock, type Controller, type ManagedController } from '@helios/controller-runtime';
import { Keys, LeaderElection, LeasePool, ResourceStore, SharedInformers, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { ControllerDeps } from '../controller-deps';

/** A fresh key root with a leader's fence, for running control-plane controllers against the test etcd. */
export interface ControllerWorld {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  deps: ControllerDeps;
  /** The world's shared informers, which managed controllers run on. */
  informers: SharedInformers;
  /** Starts a controller until close(); a managed one on its own manager over the shared informers. */
  run(controller: Controller | ManagedController): void;
  close(): Promise<void>;
}

/** Connects to `endpoint`, wins the control-plane election under a fresh root and builds controller deps. */
export async function controllerWorld(endpoint: string, clock?: Clock): Promise<ControllerWorld> {
  const client = connectEtcd(endpoint);
  const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  const store = new ResourceStore(client, keys);
  const leases = new LeasePool(client, { streams: 1 });
  const election = new LeaderElection(client, keys, 'control-plane', 'test', { leases, ttl: 2 });
  await election.campaign();
  const logger = createLogger('controller-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps: ControllerDeps = { client, keys, store, fence: () => election.fence(), metrics: new ControllerMetrics(new Registry()), logger, clock };
  const informers = new SharedInformers(client, keys);
  const manager = new Manager({ informers, clock, metrics: deps.metrics, logger });
  const running: { abort: AbortController; done: Promise<void> }[] = [];
  return {
    client,
    keys,
    store,
    deps,
    informers,
    run(controller) {
      const abort = new AbortController();
      const done = 'setup' in controller ? manager.run([controller], abort.signal) : controller.start(abort.signal);
      running.push({ abort, done });
    },
    async close() {
      for (const r of running) r.abort.abort();
      await Promise.allSettled(running.map((r) => r.done));
      await informers.stop();
      await election.resign().catch(() => undefined);
      leases.close();
      client.close();
    },
  };
}
