import type { Logger } from '@helios/config';
import { ControllerMetrics, ControllerRegistry } from '@helios/controller-runtime';
import { LeaderElection, type Keys, type ResourceStore } from '@helios/store';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { controlPlaneControllers } from '@helios/controllers';
import { EtcdConnection } from '../etcd-connection';
import type { ControlPlaneConfig } from '../settings';
import { CONFIG, KEYS, LOGGER, METRICS_REGISTRY, RESOURCE_STORE } from '../tokens';

/** The election component of the control plane: its key is `<root>/election/control-plane`. */
export const CONTROL_PLANE_COMPONENT = 'control-plane';

/**
 * Campaigns for leadership of the control plane and runs the controllers only while leading;
 * every controller write is fenced by the election. A lost leadership stops the controllers and
 * stands again at once. Exports `helios_control_plane_is_leader`.
 */
@Injectable()
export class ControlPlaneLeadership implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly election: LeaderElection;
  readonly registry: ControllerRegistry;
  private readonly isLeader: Gauge;
  private closing = false;

  constructor(
    @Inject(CONFIG) config: ControlPlaneConfig,
    @Inject(EtcdConnection) etcd: EtcdConnection,
    @Inject(KEYS) keys: Keys,
    @Inject(RESOURCE_STORE) store: ResourceStore,
    @Inject(METRICS_REGISTRY) metricsRegistry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.election = new LeaderElection(etcd.client, keys, CONTROL_PLANE_COMPONENT, config.id, {
      ttl: config.leaseTtl,
      onError: (err) => logger.warn({ err }, 'leader election recovered from an error'),
    });
    this.isLeader = new Gauge({ name: 'helios_control_plane_is_leader', help: '1 while this control-plane replica is the leader.', registers: [metricsRegistry] });
    this.isLeader.set(0);
    const metrics = new ControllerMetrics(metricsRegistry);
    this.registry = new ControllerRegistry({ logger, informers: etcd.informers, metrics });
    const deps = { client: etcd.client, keys, store, fence: () => this.election.fence(), metrics, logger, capacity: config, failure: config, autoscaler: config };
    for (const controller of controlPlaneControllers(deps)) this.registry.register(controller);
  }

  onApplicationBootstrap(): void {
    this.registry.follow(this.election);
    this.election.on('elected', () => {
      this.isLeader.set(1);
      this.logger.info({ id: this.election.id }, 'elected leader of the control plane');
    });
    this.election.on('lost', (reason) => {
      this.isLeader.set(0);
      this.logger.warn({ id: this.election.id, err: reason }, 'lost leadership of the control plane; standing again');
      if (!this.closing) this.campaign();
    });
    this.campaign();
  }

  /** Stops the controllers, then resigns so a standby takes over at once instead of after the TTL. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.registry.close();
    try {
      await this.election.resign();
    } catch (err) {
      this.logger.warn({ err }, 'resigning leadership failed; the lease will expire on its own');
    }
    this.isLeader.set(0);
  }

  private campaign(): void {
    this.election.campaign().catch((err: unknown) => {
      // campaign() rejects only when resign() cancels it, i.e. on shutdown.
      if (!this.closing) this.logger.error({ err }, 'campaign for control-plane leadership ended unexpectedly');
    });
  }
}
