import { parentOf, type KindName, type ResourceTypes } from '@helios/api';
import { BY_CELL, BY_DEPLOYMENT, type Informer } from '@helios/store';

// The standard index that files each child kind under its parent: pools and nodes under their
// cell, replicas under their deployment.
const PARENT_INDEX: Partial<Record<KindName, string>> = { nodePool: BY_CELL, node: BY_CELL, replica: BY_DEPLOYMENT };

/** The cached objects a stream of `kind` under `parent` ('' for all of them) follows. */
export function listScope<K extends KindName>(informer: Informer<K>, kind: K, parent: string): ResourceTypes[K][] {
  if (parent === '') return informer.list();
  const index = PARENT_INDEX[kind];
  if (!index) throw new Error(`${kind} has no parent, got parent "${parent}"`);
  return informer.byIndex(index, parent);
}

/** Whether an object belongs to the scope of a stream of its kind under `parent` ('' for all). */
export function inScope<K extends KindName>(kind: K, parent: string, object: ResourceTypes[K]): boolean {
  return parent === '' || parentOf(kind, object) === parent;
}
