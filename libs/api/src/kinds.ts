import { Kind, type Resource } from './gen/helios/v1/operator';
import {
  Cell,
  Deployment,
  Node,
  NodePool,
  Replica,
  type ObjectMeta,
} from './gen/helios/v1/resources';

/** The oneof case of a Resource: 'cell' | 'nodePool' | 'node' | 'deployment' | 'replica'. */
export type KindName = NonNullable<Resource['kind']>['$case'];

/** The message type of each kind. */
export interface ResourceTypes {
  cell: Cell;
  nodePool: NodePool;
  node: Node;
  deployment: Deployment;
  replica: Replica;
}

/** Any stored resource: every one has metadata, spec and status. */
export type AnyResource = ResourceTypes[KindName];

/** Binary codec of one message type (the subset of ts-proto's MessageFns we rely on). */
export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: unknown): T;
}

/** Everything the rest of the system needs to know about a kind, in one place. */
export interface KindInfo<K extends KindName = KindName> {
  name: K;
  kind: Kind;
  /** As written in manifests and shown to people: `NodePool`. */
  display: string;
  /** Words the CLI accepts for it: `pools`, `pool`, `nodepool`, ... */
  aliases: readonly string[];
  /** Key segment under the root: `pools`. */
  collection: string;
  /** Field of spec naming the parent (cell or deployment), for kinds keyed under a parent. */
  parentField?: 'cell' | 'deployment';
  codec: Codec<ResourceTypes[K]>;
}

export const KINDS: { readonly [K in KindName]: KindInfo<K> } = {
  cell: { name: 'cell', kind: Kind.KIND_CELL, display: 'Cell', aliases: ['cell', 'cells'], collection: 'cells', codec: Cell as Codec<Cell> },
  nodePool: {
    name: 'nodePool',
    kind: Kind.KIND_NODE_POOL,
    display: 'NodePool',
    aliases: ['nodepool', 'nodepools', 'pool', 'pools', 'np'],
    collection: 'pools',
    parentField: 'cell',
    codec: NodePool as Codec<NodePool>,
  },
  node: { name: 'node', kind: Kind.KIND_NODE, display: 'Node', aliases: ['node', 'nodes', 'no'], collection: 'nodes', parentField: 'cell', codec: Node as Codec<Node> },
  deployment: {
    name: 'deployment',
    kind: Kind.KIND_DEPLOYMENT,
    display: 'Deployment',
    aliases: ['deployment', 'deployments', 'deploy'],
    collection: 'deployments',
    codec: Deployment as Codec<Deployment>,
  },
  replica: {
    name: 'replica',
    kind: Kind.KIND_REPLICA,
    display: 'Replica',
    aliases: ['replica', 'replicas', 'rep'],
    collection: 'replicas',
    parentField: 'deployment',
    codec: Replica as Codec<Replica>,
  },
};

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** The kind registered for a Kind enum value, or undefined for UNSPECIFIED / unknown numbers. */
export function kindInfoOf(kind: Kind): KindInfo | undefined {
  return KIND_NAMES.map((k) => KINDS[k] as KindInfo).find((info) => info.kind === kind);
}

/** Finds a kind by what a person typed (`pools`, `NodePool`, `deploy`), case-insensitively. */
export function kindByAlias(word: string): KindInfo | undefined {
  const w = word.toLowerCase();
  return KIND_NAMES.map((k) => KINDS[k] as KindInfo).find((info) => info.aliases.includes(w) || info.display.toLowerCase() === w);
}

/** The parent name (cell or deployment) of a resource, or '' for top-level kinds. */
export function parentOf(name: KindName, resource: AnyResource): string {
  const field = KINDS[name].parentField;
  if (!field) return '';
  return ((resource.spec as unknown as Record<string, unknown> | undefined)?.[field] as string | undefined) ?? '';
}

/** Wraps a resource into the Resource oneof. */
export function wrap<K extends KindName>(name: K, resource: ResourceTypes[K]): Resource {
  return { kind: { $case: name, [name]: resource } as unknown as Resource['kind'] };
}

/** Unwraps the Resource oneof; undefined when no kind is set. */
export function unwrap(resource: Resource | undefined): { name: KindName; resource: AnyResource } | undefined {
  const kind = resource?.kind;
  if (!kind) return undefined;
  return { name: kind.$case, resource: (kind as unknown as Record<string, AnyResource>)[kind.$case]! };
}

/** metadata of any resource, never undefined. */
export function metaOf(resource: AnyResource): ObjectMeta {
  return resource.metadata ?? { name: '', uid: '', generation: 0, resourceVersion: 0, labels: {}, createdAt: undefined, annotations: {}, deletionTime: undefined };
}
