import { NodePhase, type Node } from '@helios/api';
import { Informer, type Etcd3, type Keys } from '@helios/store';

/** One transition of a node into NotReady, as the benchmark saw it. */
export interface NotReadyTransition {
  /** `<cell>/<node>` */
  node: string;
  /** The controller's lastTransitionTime of the NotReady, ms since the epoch. */
  at: number;
  /** When the benchmark saw it, ms since the epoch. */
  seenAt: number;
}

/**
 * Follows every Node through an informer and records each transition into NotReady, and how
 * many nodes are Ready now: the benchmark's eyes. Transitions are told apart by the node's
 * lastTransitionTime, so a re-list after a compaction does not count one twice.
 */
export class NodePhaseWatch {
  readonly transitions: NotReadyTransition[] = [];
  private readonly informer: Informer<'node'>;
  private readonly recorded = new Set<string>();

  constructor(client: Etcd3, keys: Keys) {
    this.informer = new Informer(client, keys, 'node', { onError: () => undefined });
    this.informer.on((event) => {
      if (event.type === 'deleted') return;
      this.observe(event.object, event.previous);
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Nodes in the cache by phase. */
  count(phase: NodePhase): number {
    let n = 0;
    for (const node of this.informer.list()) if (node.status?.phase === phase) n++;
    return n;
  }

  /** The cached node `<cell>/<name>`. */
  get(id: string): Node | undefined {
    const [cell, name] = id.split('/');
    return cell && name ? this.informer.get(name, cell) : undefined;
  }

  /** Every cached node's `<cell>/<name>` and phase. */
  phases(): { node: string; phase: NodePhase }[] {
    return this.informer.list().map((n) => ({ node: `${n.spec?.cell}/${n.metadata?.name}`, phase: n.status?.phase ?? NodePhase.NODE_PHASE_UNSPECIFIED }));
  }

  private observe(node: Node, previous: Node | undefined): void {
    if (node.status?.phase !== NodePhase.NODE_PHASE_NOT_READY) return;
    if (previous?.status?.phase === NodePhase.NODE_PHASE_NOT_READY) return;
    const id = `${node.spec?.cell}/${node.metadata?.name}`;
    const since = node.status.lastTransitionTime ?? '';
    if (this.recorded.has(`${id}@${since}`)) return;
    this.recorded.add(`${id}@${since}`);
    const at = Date.parse(since);
    this.transitions.push({ node: id, at: Number.isNaN(at) ? Date.now() : at, seenAt: Date.now() });
  }
}
