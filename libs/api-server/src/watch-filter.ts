import { EventType, metaOf, type AnyResource } from '@helios/api';
import { matchesSelector } from './label-selector';

/** A store change as the informer reports it. */
export interface ChangeEvent<T> {
  type: 'added' | 'modified' | 'deleted';
  object: T;
  previous?: T;
}

/**
 * The event a label-filtered watch shows for a change, or undefined for none. An object whose
 * labels stop matching leaves the watcher's view, so it is reported as DELETED; one that starts
 * matching enters it as ADDED (as Kubernetes' filtered watches do), so a client's cache built
 * from the events always equals a filtered list.
 */
export function filterChange<T extends AnyResource>(event: ChangeEvent<T>, selector: Readonly<Record<string, string>>): { type: EventType; object: T } | undefined {
  const now = matchesSelector(metaOf(event.object).labels, selector);
  if (event.type === 'added') return now ? { type: EventType.EVENT_TYPE_ADDED, object: event.object } : undefined;
  if (event.type === 'deleted') return now ? { type: EventType.EVENT_TYPE_DELETED, object: event.object } : undefined;
  const before = event.previous !== undefined && matchesSelector(metaOf(event.previous).labels, selector);
  if (now && before) return { type: EventType.EVENT_TYPE_MODIFIED, object: event.object };
  if (now) return { type: EventType.EVENT_TYPE_ADDED, object: event.object };
  if (before) return { type: EventType.EVENT_TYPE_DELETED, object: event.object };
  return undefined;
}

/**
 * Whether a change is news to a client that watches from `resourceVersion` (0: from now): one
 * written at or before it is already in what the client listed, so it is not sent again. A
 * deletion always is: the cache keeps the deleted object's last write, not the deletion's
 * revision, and a DELETED of an object the client no longer holds changes nothing for it.
 */
export function changedAfter<T extends AnyResource>(event: ChangeEvent<T>, resourceVersion: number): boolean {
  if (resourceVersion <= 0 || event.type === 'deleted') return true;
  return metaOf(event.object).resourceVersion > resourceVersion;
}
