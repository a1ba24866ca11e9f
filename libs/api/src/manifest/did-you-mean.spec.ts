import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean';

const POOL_SPEC = ['cell', 'gpuType', 'instanceType', 'gpusPerNode', 'tier', 'min', 'max', 'reservationId', 'zone', 'hourlyPrice'];

describe('didYouMean', () => {
  it.each([
    ['minNode', POOL_SPEC, 'min'], // prefix: `min` starts `minNode`
    ['gpuTyp', POOL_SPEC, 'gpuType'], // one deletion
    ['gputype', POOL_SPEC, 'gpuType'], // case only
    ['GPUTYPE', POOL_SPEC, 'gpuType'],
    ['teir', POOL_SPEC, 'tier'], // transposition counts as one edit
    ['zones', POOL_SPEC, 'zone'],
    ['instance', POOL_SPEC, 'instanceType'], // prefix the other way
    ['banana', POOL_SPEC, undefined],
    ['mi', POOL_SPEC, 'min'], // distance 1 <= max(1, 3/3)
    ['x', ['min', 'max'], undefined], // distance 2 > max(1, 3/3)
    ['Pod', ['Cell', 'NodePool', 'Node'], undefined], // Node: distance 2 > max(1, 4/3)
    ['replicsa', ['replicas', 'revision'], 'replicas'], // 1 <= 8/3
    ['revsion', ['replicas', 'revision'], 'revision'],
    ['specs', ['metadata', 'spec', 'status', 'apiVersion', 'kind'], 'spec'],
    ['mxa', ['min', 'max'], 'max'], // transposition (1) beats `min` (2)
    ['anything', [], undefined],
  ] as const)('%s -> %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['replcias', 'replicas', 1],
    ['ab', 'ba', 1],
    ['same', 'same', 0],
  ] as const)('%s / %s = %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});
