import { AssignmentEventType, Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { assignmentChanges, type ReplicaChange } from './assignment-changes';

const on = (node: string, phase = 0) => Replica.fromPartial({ metadata: { name: 'r' }, spec: { deployment: 'd', cell: 'c1', node }, status: { phase } });
const { ASSIGNMENT_EVENT_TYPE_ADDED: ADDED, ASSIGNMENT_EVENT_TYPE_MODIFIED: MODIFIED, ASSIGNMENT_EVENT_TYPE_DELETED: DELETED } = AssignmentEventType;

describe('assignmentChanges', () => {
  it.each<[string, ReplicaChange, [string, AssignmentEventType, Replica][]]>([
    ['added bound to n1', { type: 'added', object: on('n1') }, [['c1/n1', ADDED, on('n1')]]],
    ['added unbound', { type: 'added', object: on('') }, []],
    ['bound for the first time', { type: 'modified', object: on('n2'), previous: on('') }, [['c1/n2', ADDED, on('n2')]]],
    ['modified in place', { type: 'modified', object: on('n1', 4), previous: on('n1') }, [['c1/n1', MODIFIED, on('n1', 4)]]],
    ['moved from n1 to n2', { type: 'modified', object: on('n2'), previous: on('n1') }, [['c1/n1', DELETED, on('n1')], ['c1/n2', ADDED, on('n2')]]],
    ['unbound from n1', { type: 'modified', object: on(''), previous: on('n1') }, [['c1/n1', DELETED, on('n1')]]],
    ['modified while unbound', { type: 'modified', object: on(''), previous: on('') }, []],
    ['deleted on n1', { type: 'deleted', object: on('n1') }, [['c1/n1', DELETED, on('n1')]]],
    ['deleted unbound', { type: 'deleted', object: on('') }, []],
  ])('%s', (_what, change, events) => {
    expect(assignmentChanges(change)).toEqual(events.map(([node, type, replica]) => ({ node, type, replica })));
  });
});
