import { ReplicaTemplate } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { fnv1a64, templateHash } from './template-hash';

describe('fnv1a64', () => {
  // Reference values of 64-bit FNV-1a.
  it.each([
    { text: '', want: 'cbf29ce484222325' },
    { text: 'a', want: 'af63dc4c8601ec8c' },
    { text: 'foobar', want: '85944171f73967e8' },
  ])('"$text" -> $want', ({ text, want }) => {
    expect(fnv1a64(text)).toBe(want);
  });
});

describe('templateHash', () => {
  const base = ReplicaTemplate.fromPartial({ command: ['serve'], env: { A: '1', B: '2' }, gpus: 1 });

  it('is the same for equal templates, whatever the map order or defaulted fields', () => {
    const reordered = ReplicaTemplate.fromPartial({ gpus: 1, env: { B: '2', A: '1' }, command: ['serve'], image: '' });
    expect(templateHash(reordered)).toBe(templateHash(base));
    expect(templateHash(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(templateHash(undefined)).toBe(templateHash(ReplicaTemplate.fromPartial({})));
  });

  it.each([
    { name: 'command', change: { command: ['serve', '--v2'] } },
    { name: 'env value', change: { env: { A: '1', B: '3' } } },
    { name: 'restartedAt annotation', change: { annotations: { 'helios.dev/restartedAt': '2025-01-01T00:00:00Z' } } },
    { name: 'gpus', change: { gpus: 2 } },
  ])('changes with the $name', ({ change }) => {
    expect(templateHash(ReplicaTemplate.fromPartial({ ...base, ...change }))).not.toBe(templateHash(base));
  });

  it('survives an encode/decode round trip', () => {
    const decoded = ReplicaTemplate.decode(ReplicaTemplate.encode(base).finish());
    expect(templateHash(decoded)).toBe(templateHash(base));
  });
});
