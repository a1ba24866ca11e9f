import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@helios/config';
import { connectEtcd, Keys, SharedInformers, type Etcd3 } from '@helios/store';
import type { ControlPlaneConfig } from './settings';
import { CONFIG, LOGGER } from './tokens';

/**
 * The process's one etcd client and its one cache (one informer per prefix, shared by the
 * controllers and the API's watch streams); closed last on shutdown, after everything that uses
 * them has stopped.
 */
@Injectable()
export class EtcdConnection implements OnApplicationShutdown {
  readonly client: Etcd3;
  readonly informers: SharedInformers;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig, @Inject(LOGGER) logger: Logger) {
    this.client = connectEtcd(config.etcd);
    this.informers = new SharedInformers(this.client, new Keys(config.root), {
      onError: (err) => logger.warn({ err }, 'informer recovered from an error'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.informers.stop();
    this.client.close();
  }
}
