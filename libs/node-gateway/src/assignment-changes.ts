import { AssignmentEventType, type Replica } from '@helios/api';

/** A change of the replica cache, as an informer reports it. */
export interface ReplicaChange {
  type: 'added' | 'modified' | 'deleted';
  object: Replica;
  previous?: Replica;
}

/** One event for the assignment streams of one node (`<cell>/<node>`). */
export interface NodeAssignmentEvent {
  node: string;
  type: AssignmentEventType;
  replica: Replica;
}

/** `<cell>/<node>` a replica is bound to, or undefined while it is bound to none. */
export function boundNode(replica: Replica | undefined): string | undefined {
  const cell = replica?.spec?.cell;
  const node = replica?.spec?.node;
  return cell && node ? `${cell}/${node}` : undefined;
}

/**
 * What one change of a replica means for the nodes following their assignments: added to its
 * node, modified on it, or a move (DELETED on the old node, ADDED on the new one), or deleted.
 *
 * Example: replica r modified from c1/n1 to c1/n2 -> [{c1/n1, DELETED, r as it was},
 * {c1/n2, ADDED, r}]; bound for the first time (no node before) -> [{c1/n2, ADDED}];
 * modified in place on c1/n1 -> [{c1/n1, MODIFIED}]; a change of an unbound replica -> [].
 */
export function assignmentChanges(change: ReplicaChange): NodeAssignmentEvent[] {
  const now = boundNode(change.object);
  if (change.type === 'added') return now ? [{ node: now, type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED, replica: change.object }] : [];
  if (change.type === 'deleted') return now ? [{ node: now, type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_DELETED, replica: change.object }] : [];
  const before = boundNode(change.previous);
  if (now && now === before) return [{ node: now, type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_MODIFIED, replica: change.object }];
  const events: NodeAssignmentEvent[] = [];
  if (before) events.push({ node: before, type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_DELETED, replica: change.previous! });
  if (now) events.push({ node: now, type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED, replica: change.object });
  return events;
}
