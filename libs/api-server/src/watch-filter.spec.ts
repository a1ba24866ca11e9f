import { Cell, EventType } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { matchesSelector } from './label-selector';
import { changedAfter, filterChange } from './watch-filter';

const cell = (labels: Record<string, string>) => Cell.fromPartial({ metadata: { name: 'c', labels } });
const match = cell({ app: 'w' });
const other = cell({ app: 'x' });
const selector = { app: 'w' };

describe('filterChange', () => {
  it.each([
    { name: 'added, matching', event: { type: 'added' as const, object: match }, want: EventType.EVENT_TYPE_ADDED },
    { name: 'added, not matching', event: { type: 'added' as const, object: other }, want: undefined },
    { name: 'modified, still matching', event: { type: 'modified' as const, object: match, previous: match }, want: EventType.EVENT_TYPE_MODIFIED },
    { name: 'modified into the selector', event: { type: 'modified' as const, object: match, previous: other }, want: EventType.EVENT_TYPE_ADDED },
    { name: 'modified out of the selector', event: { type: 'modified' as const, object: other, previous: match }, want: EventType.EVENT_TYPE_DELETED },
    { name: 'modified, never matching', event: { type: 'modified' as const, object: other, previous: other }, want: undefined },
    { name: 'deleted, matching', event: { type: 'deleted' as const, object: match }, want: EventType.EVENT_TYPE_DELETED },
    { name: 'deleted, not matching', event: { type: 'deleted' as const, object: other }, want: undefined },
  ])('$name', ({ event, want }) => {
    expect(filterChange(event, selector)?.type).toBe(want);
  });

  it('passes everything through an empty selector', () => {
    expect(filterChange({ type: 'modified', object: other, previous: other }, {})?.type).toBe(EventType.EVENT_TYPE_MODIFIED);
  });
});

describe('changedAfter', () => {
  const at = (resourceVersion: number) => Cell.fromPartial({ metadata: { name: 'c', resourceVersion } });
  it.each([
    { name: 'watching from now', type: 'modified' as const, written: 5, from: 0, want: true },
    { name: 'written after the version', type: 'modified' as const, written: 11, from: 10, want: true },
    { name: 'written at the version', type: 'modified' as const, written: 10, from: 10, want: false },
    { name: 'added before the version', type: 'added' as const, written: 7, from: 10, want: false },
    { name: 'deleted, last written before the version', type: 'deleted' as const, written: 7, from: 10, want: true },
  ])('$name -> $want', ({ type, written, from, want }) => {
    expect(changedAfter({ type, object: at(written) }, from)).toBe(want);
  });
});

const selectorCases: { labels: Record<string, string> | undefined; selector: Record<string, string>; want: boolean }[] = [
  { labels: { a: '1', b: '2' }, selector: { a: '1' }, want: true },
  { labels: { a: '1' }, selector: { a: '1', b: '2' }, want: false },
  { labels: { a: '1' }, selector: { a: '2' }, want: false },
  { labels: {}, selector: {}, want: true },
  { labels: undefined, selector: { a: '' }, want: false },
];

describe('matchesSelector', () => {
  it.each(selectorCases)('$labels ~ $selector -> $want', ({ labels, selector, want }) => {
    expect(matchesSelector(labels, selector)).toBe(want);
  });
});
