import { AssignmentEventType, type AssignmentEvent, type Replica } from '@helios/api';

/** A replica bound to this node, with how its retirement stops it (0: the agent's defaults). */
export interface Assignment {
  replica: Replica;
  drainSeconds: number;
  terminationGraceSeconds: number;
}

/** The key of a replica in an AssignmentSet: `<deployment>/<name>`. */
export function assignmentKey(replica: Replica): string {
  return `${replica.spec?.deployment ?? ''}/${replica.metadata?.name ?? ''}`;
}

/**
 * The replicas bound to one node as its WatchAssignments stream told them, and the re-sync rule
 * for a stream opened again (after a reconnect, or a new registration): its initial set, ADDED
 * events up to SYNCED, replaces what was known. A replica known before and missing from it was
 * deleted or moved while the stream was down and counts as deleted; one whose resourceVersion
 * did not change is not reported again.
 *
 * Example: known {a@5, b@7}; a new stream sends ADDED a@5, ADDED c@2, SYNCED -> changed [c, b]
 * (c added, b deleted, a unchanged); known {a@5, c@2}.
 */
export class AssignmentSet {
  private readonly current = new Map<string, Assignment>();
  private initial: Map<string, Assignment> | undefined;

  /** True once a stream has delivered its whole initial set. */
  synced = false;

  /** The assignment of a replica key now, if it is bound here. */
  get(key: string): Assignment | undefined {
    return this.current.get(key);
  }

  /** Keys of every replica bound here now. */
  keys(): string[] {
    return [...this.current.keys()];
  }

  get size(): number {
    return this.current.size;
  }

  /** A new stream opened: collect its initial set until SYNCED. */
  beginResync(): void {
    this.initial = new Map();
  }

  /** Applies one event of the stream; returns the keys whose assignment changed (added, modified or gone). */
  apply(event: AssignmentEvent): string[] {
    const replica = event.replica;
    if (event.type === AssignmentEventType.ASSIGNMENT_EVENT_TYPE_SYNCED) return this.finishResync();
    if (!replica) return [];
    const key = assignmentKey(replica);
    const assignment: Assignment = { replica, drainSeconds: event.drainSeconds, terminationGraceSeconds: event.terminationGraceSeconds };
    if (this.initial) {
      // Part of the initial set: held until SYNCED, so that what it leaves out can be told apart.
      if (event.type === AssignmentEventType.ASSIGNMENT_EVENT_TYPE_DELETED) this.initial.delete(key);
      else this.initial.set(key, assignment);
      return [];
    }
    if (event.type === AssignmentEventType.ASSIGNMENT_EVENT_TYPE_DELETED) return this.current.delete(key) ? [key] : [];
    if (event.type !== AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED && event.type !== AssignmentEventType.ASSIGNMENT_EVENT_TYPE_MODIFIED) return [];
    this.current.set(key, assignment);
    return [key];
  }

  private finishResync(): string[] {
    const initial = this.initial ?? new Map<string, Assignment>();
    this.initial = undefined;
    this.synced = true;
    const changed: string[] = [];
    for (const [key, next] of initial) {
      const before = this.current.get(key);
      this.current.set(key, next);
      if (!before || !sameVersion(before, next)) changed.push(key);
    }
    for (const key of [...this.current.keys()]) {
      if (initial.has(key)) continue;
      this.current.delete(key);
      changed.push(key);
    }
    return changed;
  }
}

function sameVersion(a: Assignment, b: Assignment): boolean {
  return (
    a.replica.metadata?.uid === b.replica.metadata?.uid &&
    a.replica.metadata?.resourceVersion === b.replica.metadata?.resourceVersion &&
    a.drainSeconds === b.drainSeconds &&
    a.terminationGraceSeconds === b.terminationGraceSeconds
  );
}
