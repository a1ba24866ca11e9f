import { describe, expect, it } from 'vitest';
import { instanceId, instanceStateOf, parseInstanceId } from './gce-instance';

describe('instance ids', () => {
  it.each([
    ['us-central1-a/h100-spot-0', { zone: 'us-central1-a', name: 'h100-spot-0' }],
    ['europe-west4-b/n', { zone: 'europe-west4-b', name: 'n' }],
    ['i-0abc', undefined],
    ['us-central1-a/', undefined],
    ['us-central1-a/Upper', undefined],
    ['a/b/c', undefined],
  ])('parses %s', (id, expected) => {
    expect(parseInstanceId(id)).toEqual(expected);
  });

  it('round-trips', () => {
    expect(parseInstanceId(instanceId('us-east4-c', 'node-1'))).toEqual({ zone: 'us-east4-c', name: 'node-1' });
  });
});

describe('instanceStateOf', () => {
  it.each([
    ['PROVISIONING', 'pending'],
    ['STAGING', 'pending'],
    ['RUNNING', 'running'],
    ['STOPPING', 'stopping'],
    ['SUSPENDED', 'stopping'],
    ['TERMINATED', 'stopping'],
    ['REPAIRING', 'stopping'],
    [undefined, 'stopping'],
  ])('%s -> %s', (status, expected) => {
    expect(instanceStateOf(status)).toBe(expected);
  });
});
