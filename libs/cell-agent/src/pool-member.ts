import type { Node, NodePhase } from '@helios/api';
import type { Instance, InstanceState } from '@helios/provider';

/** One node of a pool as the cell agent sees it: the cloud's instance joined with its Node and heartbeat. */
export interface PoolMember {
  /** Node name. */
  node: string;
  /** Cloud id; undefined for a live Node the cloud does not list (a host not launched by this agent). */
  instanceId?: string;
  /** Cloud state; undefined for a member without an instance. */
  state?: InstanceState;
  launchedAt?: Date;
  /** Phase of the registered Node; undefined until the node agent registers it. */
  phase?: NodePhase;
  /** Whether the node's heartbeat key exists (its agent holds a live lease). */
  live: boolean;
  /** The registered Node, if any. */
  object?: Node;
  /** Whether replicas hold GPUs on the node: it may not be removed. */
  busy?: boolean;
  /**
   * Whether etcd knows the instance: a Node registered for it, or a launch intent names it. An
   * instance etcd does not know is garbage once its grace period is over (see planPool).
   */
  known?: boolean;
}

/** What else a member's record is joined with: who holds GPUs where, and which nodes launches are pending for. */
export interface MemberContext {
  isLive: (node: string) => boolean;
  /** Whether replicas hold GPUs on the node; default none do. */
  isBusy?: (node: string) => boolean;
  /** Node names recorded in the pool's pending launch intents. */
  intended?: ReadonlySet<string>;
}

/**
 * Joins a pool's live cloud instances with its Nodes (by provider id, else by node name) and
 * heartbeats. Nodes without an instance join only while their heartbeat lives: a dead one is
 * garbage, not a member.
 */
export function poolMembers(instances: readonly Instance[], nodes: readonly Node[], context: MemberContext | ((node: string) => boolean)): PoolMember[] {
  const { isLive, isBusy = () => false, intended = new Set<string>() } = typeof context === 'function' ? { isLive: context } : context;
  const byProviderId = new Map<string, Node>();
  const byName = new Map<string, Node>();
  for (const n of nodes) {
    if (n.spec?.providerId) byProviderId.set(n.spec.providerId, n);
    byName.set(n.metadata?.name ?? '', n);
  }
  const joined = new Set<Node>();
  const members: PoolMember[] = instances.map((i) => {
    const object = byProviderId.get(i.id) ?? byName.get(i.node);
    if (object) joined.add(object);
    const node = object?.metadata?.name ?? i.node;
    return {
      node,
      instanceId: i.id,
      state: i.state,
      launchedAt: i.launchedAt,
      phase: object?.status?.phase,
      live: isLive(node),
      object,
      busy: isBusy(node),
      known: object !== undefined || intended.has(i.node),
    };
  });
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    if (!joined.has(n) && isLive(name)) members.push({ node: name, phase: n.status?.phase, live: true, object: n, busy: isBusy(name), known: true });
  }
  return members;
}
