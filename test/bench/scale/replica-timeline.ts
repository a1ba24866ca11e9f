import { ReplicaPhase, type Replica } from '@helios/api';
import { Informer, type Etcd3, type Keys } from '@helios/store';

/** The stages of a replica's life this benchmark times. */
export type ReplicaStage = 'created' | 'placed' | 'bound' | 'ready';

export const REPLICA_STAGES: readonly ReplicaStage[] = ['created', 'placed', 'bound', 'ready'];

/**
 * Watches every replica (one informer, as an operator's tooling would) and records, for the
 * replicas of the benchmark's deployments, the moment (ms, this process's clock) the watch first
 * showed each one created, placed in a cell, bound to a node (spec.node set) and Ready. Times are
 * those of the watch event, so each carries etcd's watch delivery and this process's lag: a few
 * ms when the machine is not saturated.
 */
export class ReplicaTimeline {
  private readonly informer: Informer<'replica'>;
  private readonly seen = new Map<string, Partial<Record<ReplicaStage, number>>>();
  private readonly times: Record<ReplicaStage, number[]> = { created: [], placed: [], bound: [], ready: [] };

  constructor(
    client: Etcd3,
    keys: Keys,
    /** Tells whether a replica belongs to the benchmark (by its deployment's name). */
    private readonly ours: (deployment: string) => boolean,
  ) {
    this.informer = new Informer(client, keys, 'replica', { onError: () => undefined });
    this.informer.on((event) => {
      if (event.type !== 'deleted') this.record(event.key, event.object);
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Replicas the watch has seen reach `stage`. */
  count(stage: ReplicaStage): number {
    return this.times[stage].length;
  }

  /** The moments replicas reached `stage`, in the order the watch saw them. */
  reachedAt(stage: ReplicaStage): readonly number[] {
    return this.times[stage];
  }

  /** Replicas in the cache now, by phase name (for progress lines). */
  phases(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.informer.list()) {
      if (!this.ours(r.spec?.deployment ?? '')) continue;
      const phase = ReplicaPhase[r.status?.phase ?? ReplicaPhase.REPLICA_PHASE_UNSPECIFIED].replace('REPLICA_PHASE_', '');
      out[phase] = (out[phase] ?? 0) + 1;
    }
    return out;
  }

  private record(key: string, replica: Replica): void {
    if (!this.ours(replica.spec?.deployment ?? '')) return;
    let stages = this.seen.get(key);
    if (!stages) this.seen.set(key, (stages = {}));
    const now = Date.now();
    const reach = (stage: ReplicaStage, reached: boolean) => {
      if (!reached || stages[stage] !== undefined) return;
      stages[stage] = now;
      this.times[stage].push(now);
    };
    reach('created', true);
    reach('placed', !!replica.spec?.cell);
    reach('bound', !!replica.spec?.node);
    reach('ready', replica.status?.phase === ReplicaPhase.REPLICA_PHASE_READY);
  }
}
