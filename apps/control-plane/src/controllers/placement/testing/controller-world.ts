import { createLogger } from '@helios/config';
import { ControllerMetrics, type Clock, type Controller } from '@helios/controller-runtime';
import { Keys, LeaderElection, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { ControllerDeps } from '../../controller-deps';

/** A fresh key root with a leader's fence, for running control-plane controllers against the test etcd. */
export interface ControllerWorld {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  deps: ControllerDeps;
  /** Starts a controller until close(). */
  run(controller: Controller): void;
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
  const running: { abort: AbortController; done: Promise<void> }[] = [];
  return {
    client,
    keys,
    store,
    deps,
    run(controller) {
      const abort = new AbortController();
      running.push({ abort, done: controller.start(abort.signal) });
    },
    async close() {
      for (const r of running) r.abort.abort();
      await Promise.allSettled(running.map((r) => r.done));
      await election.resign().catch(() => undefined);
      leases.close();
      client.close();
    },
  };
}
