import type { Replica } from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import { Informer, type Etcd3, type InformerEvent, type Keys } from '@helios/store';

/** Options of ReplicaBindings. */
export interface ReplicaBindingsOptions {
  logger?: Logger;
}

/** The node a replica is bound to, as `<cell>/<node>`; undefined while unbound. */
function nodeKeyOf(replica: Replica): string | undefined {
  const cell = replica.spec?.cell ?? '';
  const node = replica.spec?.node ?? '';
  return cell && node ? `${cell}/${node}` : undefined;
}

/**
 * Follows every Replica through one informer and indexes them by the node they are bound to,
 * so that the node agents of a process (thousands of simulated nodes, or the one agent of a
 * real host) share one watch, and each is told only of changes to replicas bound to it - or
 * that were bound to it and no longer are.
 *
 * Scaling caveat: replicas are keyed by deployment, not by node, so this watches all of them.
 * That is one watch per process, which is fine for the simulated fleet (one process, many
 * nodes) and for a few hundred real hosts; a large real fleet wants a per-node index in etcd
 * (e.g. /bindings/<cell>/<node>/<replica>, written with the binding) that each host watches.
 */
export class ReplicaBindings {
  private readonly informer: Informer<'replica'>;
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeOfKey = new Map<string, string>();
  private readonly subscribers = new Map<string, Set<(key: string) => void>>();
  private readonly log: Logger;
  private starting: Promise<void> | undefined;

  constructor(
    client: Etcd3,
    private readonly keys: Keys,
    options: ReplicaBindingsOptions = {},
  ) {
    this.log = options.logger ?? createLogger('replica-bindings');
    this.informer = new Informer(client, keys, 'replica', { onError: (err) => this.log.warn({ err }, 'replica informer recovered from an error') });
    this.informer.on((event) => this.onEvent(event));
  }

  /** Lists and starts watching; resolves once the index holds every replica. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.informer.start();
    return this.starting;
  }

  /** Stops watching. */
  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** The replica stored under this key now (bound anywhere, or not at all). */
  get(key: string): Replica | undefined {
    const id = this.keys.parse('replica', key);
    return id ? this.informer.get(id.name, id.parent) : undefined;
  }

  /** Keys of the replicas bound to a node now. */
  boundTo(cell: string, node: string): string[] {
    return [...(this.byNode.get(`${cell}/${node}`) ?? [])];
  }

  /**
   * Calls `listener` with the key of every replica that becomes bound to the node, changes
   * while bound to it, or stops being bound to it (deleted or bound elsewhere). Returns the
   * function that unsubscribes.
   */
  subscribe(cell: string, node: string, listener: (key: string) => void): () => void {
    const nodeKey = `${cell}/${node}`;
    let listeners = this.subscribers.get(nodeKey);
    if (!listeners) this.subscribers.set(nodeKey, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.subscribers.delete(nodeKey);
    };
  }

  private onEvent(event: InformerEvent<Replica>): void {
    const before = this.nodeOfKey.get(event.key);
    const after = event.type === 'deleted' ? undefined : nodeKeyOf(event.object);
    if (before !== after) {
      if (before) {
        this.byNode.get(before)?.delete(event.key);
        if (this.byNode.get(before)?.size === 0) this.byNode.delete(before);
        this.nodeOfKey.delete(event.key);
      }
      if (after) {
        let set = this.byNode.get(after);
        if (!set) this.byNode.set(after, (set = new Set()));
        set.add(event.key);
        this.nodeOfKey.set(event.key, after);
      }
    }
    for (const nodeKey of new Set([before, after])) {
      if (!nodeKey) continue;
      for (const listener of this.subscribers.get(nodeKey) ?? []) {
        try {
          listener(event.key);
        } catch (err) {
          this.log.error({ err, key: event.key }, 'replica binding listener failed');
        }
      }
    }
  }
}
