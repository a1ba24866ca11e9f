import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { connectEtcd, type Etcd3 } from '@helios/store';
import type { ControlPlaneConfig } from './settings';
import { CONFIG } from './tokens';

/** The process's one etcd client; closed last on shutdown, after everything that uses it has stopped. */
@Injectable()
export class EtcdConnection implements OnApplicationShutdown {
  readonly client: Etcd3;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig) {
    this.client = connectEtcd(config.etcd);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
