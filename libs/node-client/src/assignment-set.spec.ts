import { AssignmentEvent, AssignmentEventType, Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { AssignmentSet } from './assignment-set';

const T = AssignmentEventType;
/** `a@5` is replica a of deployment web at resourceVersion 5. */
const event = (type: AssignmentEventType, ref?: string): AssignmentEvent => {
  if (!ref) return AssignmentEvent.fromPartial({ type });
  const [name, version] = ref.split('@');
  return AssignmentEvent.fromPartial({ type, replica: Replica.fromPartial({ metadata: { name, uid: `u-${name}`, resourceVersion: Number(version) }, spec: { deployment: 'web' } }), drainSeconds: 2 });
};
const added = (ref: string) => event(T.ASSIGNMENT_EVENT_TYPE_ADDED, ref);
const modified = (ref: string) => event(T.ASSIGNMENT_EVENT_TYPE_MODIFIED, ref);
const deleted = (ref: string) => event(T.ASSIGNMENT_EVENT_TYPE_DELETED, ref);
const SYNCED = event(T.ASSIGNMENT_EVENT_TYPE_SYNCED);

type Step = AssignmentEvent | 'resync';

describe('AssignmentSet', () => {
  it.each<[string, Step[], Step[], string[], string[]]>([
    // name, steps before, steps observed, keys changed by the observed steps, keys known at the end (name@version)
    ['the worked example of the doc comment', ['resync', added('a@5'), added('b@7'), SYNCED], ['resync', added('a@5'), added('c@2'), SYNCED], ['web/c', 'web/b'], ['a@5', 'c@2']],
    ['the first initial set reports every replica in it', [], ['resync', added('a@1'), added('b@1'), SYNCED], ['web/a', 'web/b'], ['a@1', 'b@1']],
    ['an initial set that is empty deletes everything known', ['resync', added('a@1'), SYNCED], ['resync', SYNCED], ['web/a'], []],
    ['events are held until SYNCED', [], ['resync', added('a@1')], [], []],
    ['a replica changed while the stream was down counts as changed', ['resync', added('a@1'), SYNCED], ['resync', added('a@4'), SYNCED], ['web/a'], ['a@4']],
    ['after the initial set, events apply one by one', ['resync', added('a@1'), SYNCED], [modified('a@2'), added('b@3'), deleted('a@2')], ['web/a', 'web/b', 'web/a'], ['b@3']],
    ['deleting an unknown replica changes nothing', ['resync', SYNCED], [deleted('x@1')], [], []],
    ['a DELETED inside the initial set drops it from the set', ['resync', added('a@1'), SYNCED], ['resync', added('a@1'), deleted('a@1'), SYNCED], ['web/a'], []],
  ])('%s', (_name, before, observed, changed, known) => {
    const set = new AssignmentSet();
    const run = (steps: Step[]) => steps.flatMap((step) => (step === 'resync' ? (set.beginResync(), []) : set.apply(step)));
    run(before);
    expect(run(observed)).toEqual(changed);
    expect(set.keys().map((k) => `${k.slice(4)}@${set.get(k)!.replica.metadata!.resourceVersion}`).sort()).toEqual(known);
  });
});
