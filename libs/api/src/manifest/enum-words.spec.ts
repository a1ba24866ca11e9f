import { describe, expect, it } from 'vitest';
import { CellPhase, NodePhase, ReplicaPhase, Tier } from '../gen/helios/v1/resources';
import { enumDisplayName, enumWords } from './enum-words';

describe('enumWords', () => {
  it.each([
    // enum name, value names, expected [full, pascal, kebab] per value
    ['Tier', ['TIER_UNSPECIFIED', 'TIER_RESERVED', 'TIER_ON_DEMAND'], [['TIER_UNSPECIFIED', 'Unspecified', 'unspecified'], ['TIER_RESERVED', 'Reserved', 'reserved'], ['TIER_ON_DEMAND', 'OnDemand', 'on-demand']]],
    ['NodePhase', ['NODE_PHASE_READY', 'NODE_PHASE_NOT_READY'], [['NODE_PHASE_READY', 'Ready', 'ready'], ['NODE_PHASE_NOT_READY', 'NotReady', 'not-ready']]],
    // The enum name is not the prefix: fall back to what all values share.
    ['Color', ['COLOUR_RED', 'COLOUR_DARK_BLUE'], [['COLOUR_RED', 'Red', 'red'], ['COLOUR_DARK_BLUE', 'DarkBlue', 'dark-blue']]],
    // No shared prefix: the whole name is the word.
    ['Mixed', ['RED', 'DARK_BLUE'], [['RED', 'Red', 'red'], ['DARK_BLUE', 'DarkBlue', 'dark-blue']]],
    // A single value keeps its name, since nothing says which part is the prefix.
    ['Lone', ['SOLO_VALUE'], [['SOLO_VALUE', 'SoloValue', 'solo-value']]],
    // Stripping the shared prefix would leave an empty word: keep the names whole.
    ['Odd', ['A_', 'A_B'], [['A_', 'A', 'a'], ['A_B', 'AB', 'a-b']]],
  ] as const)('%s', (enumName, names, expected) => {
    const words = enumWords(enumName, names.map((name, number) => ({ name, number })));
    expect(words.map((w) => [w.full, w.pascal, w.kebab])).toEqual(expected);
    expect(words.map((w) => w.value)).toEqual(names.map((_, i) => i));
  });
});

describe('enumDisplayName', () => {
  it.each([
    [Tier, Tier.TIER_RESERVED, 'Reserved'],
    [Tier, Tier.TIER_ON_DEMAND, 'OnDemand'],
    [Tier, Tier.TIER_PREEMPTIBLE, 'Preemptible'],
    [Tier, Tier.TIER_UNSPECIFIED, 'Unspecified'],
    [NodePhase, NodePhase.NODE_PHASE_NOT_READY, 'NotReady'],
    [CellPhase, CellPhase.CELL_PHASE_UNREACHABLE, 'Unreachable'],
    [ReplicaPhase, ReplicaPhase.REPLICA_PHASE_TERMINATING, 'Terminating'],
    [Tier, 42, '42'],
    [Tier, Tier.UNRECOGNIZED, '-1'],
  ] as const)('%#: %s -> %s', (enumObject, value, expected) => {
    expect(enumDisplayName(enumObject as unknown as Record<string, string | number>, value)).toBe(expected);
  });
});
