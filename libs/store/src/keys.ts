import { KINDS, type KindName } from '@helios/api';

/**
 * Builds every etcd key Helios uses, under one root (docs/architecture.md, section 2).
 *
 * ```
 * /helios/v1/cells/<cell>                 /helios/v1/heartbeats/<cell>/<node>
 * /helios/v1/pools/<cell>/<pool>          /helios/v1/agents/<cell>
 * /helios/v1/nodes/<cell>/<node>          /helios/v1/election/<component>
 * /helios/v1/deployments/<deployment>     /helios/v1/load/<deployment>/<reporter>
 * /helios/v1/replicas/<deployment>/<replica>  /helios/v1/tokens/<id>
 *                                             /helios/v1/secrets/<name>
 * ```
 *
 * Tests sharing one etcd give each suite its own root (`new Keys('/t/<uuid>/helios/v1')`).
 */
export class Keys {
  /** The root without a trailing slash, e.g. `/helios/v1`. */
  readonly root: string;

  constructor(root = '/helios/v1') {
    this.root = root.replace(/\/+$/, '');
  }

  /** The key of one resource: `resource('node', 'n1', 'c1')` -> `/helios/v1/nodes/c1/n1`. */
  resource(kind: KindName, name: string, parent?: string): string {
    return this.prefix(kind, requireParent(kind, parent, name)) + segment(name, `${kind} name`);
  }

  /**
   * The prefix of all resources of a kind, or of those under one parent:
   * `prefix('node')` -> `/helios/v1/nodes/`, `prefix('node', 'c1')` -> `/helios/v1/nodes/c1/`.
   */
  prefix(kind: KindName, parent?: string): string {
    const base = `${this.root}/${KINDS[kind].collection}/`;
    if (parent === undefined || parent === '') return base;
    if (!KINDS[kind].parentField) throw new Error(`${kind} is not keyed under a parent, got parent "${parent}"`);
    return `${base}${segment(parent, `${kind} parent`)}/`;
  }

  /**
   * Splits a resource key back into name and parent (parent '' for top-level kinds), or returns
   * undefined when the key is not one of that kind's keys.
   */
  parse(kind: KindName, key: string): { name: string; parent: string } | undefined {
    const base = this.prefix(kind);
    if (!key.startsWith(base)) return undefined;
    const parts = key.slice(base.length).split('/');
    if (KINDS[kind].parentField) {
      return parts.length === 2 && parts[0] && parts[1] ? { parent: parts[0], name: parts[1] } : undefined;
    }
    return parts.length === 1 && parts[0] ? { parent: '', name: parts[0] } : undefined;
  }

  /** The heartbeat key of a node, bound to the node agent's lease. */
  heartbeat(cell: string, node: string): string {
    return `${this.heartbeats(cell)}${segment(node, 'node name')}`;
  }

  /** The prefix of all heartbeats, or of one cell's. */
  heartbeats(cell?: string): string {
    return cell === undefined ? `${this.root}/heartbeats/` : `${this.root}/heartbeats/${segment(cell, 'cell name')}/`;
  }

  /** The liveness key of a cell's agent, bound to the agent's lease. */
  agent(cell: string): string {
    return `${this.agents()}${segment(cell, 'cell name')}`;
  }

  /** The prefix of all cell agents' liveness keys. */
  agents(): string {
    return `${this.root}/agents/`;
  }

  /** The leader-election key of a component (`control-plane`, `cell-agent-c1`, ...). */
  election(component: string): string {
    return `${this.root}/election/${segment(component, 'component')}`;
  }

  /** The bootstrap token `id` (hashed; bound to a lease that expires with it). */
  token(id: string): string {
    return `${this.tokens()}${segment(id, 'token id')}`;
  }

  /** The prefix of all bootstrap tokens. */
  tokens(): string {
    return `${this.root}/tokens/`;
  }

  /** A secret the control-plane replicas share, e.g. the key node credentials are signed with. */
  secret(name: string): string {
    return `${this.root}/secrets/${segment(name, 'secret name')}`;
  }

  /** The load report of one reporter (a router, or a replica reporting itself) on a deployment, bound to a short lease. */
  load(deployment: string, reporter: string): string {
    return `${this.loads(deployment)}${segment(reporter, 'reporter')}`;
  }

  /** The prefix of all load reports, or of one deployment's. */
  loads(deployment?: string): string {
    return deployment === undefined ? `${this.root}/load/` : `${this.root}/load/${segment(deployment, 'deployment name')}/`;
  }
}

// A '/' inside a name would move the key under another parent (or another kind's prefix), so
// names are checked here, at the one place keys are built.
function segment(value: string, what: string): string {
  if (!value) throw new Error(`${what} is empty`);
  if (value.includes('/')) throw new Error(`${what} "${value}" contains "/"`);
  return value;
}

function requireParent(kind: KindName, parent: string | undefined, name: string): string | undefined {
  const field = KINDS[kind].parentField;
  if (field && !parent) throw new Error(`${kind} "${name}" needs its ${field} to build its key`);
  if (!field && parent) throw new Error(`${kind} "${name}" is not keyed under a parent, got "${parent}"`);
  return parent;
}
