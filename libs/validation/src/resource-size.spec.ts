import { Cell, Deployment } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { encodedSize, validateSize } from './resource-size';
import { validateResource } from './validate-resource';

const deployment = (env: Record<string, string>, annotations: Record<string, string> = {}) =>
  Deployment.fromPartial({ metadata: { name: 'big', annotations }, spec: { template: { command: ['x'], env } } });

describe('validateSize', () => {
  it('measures the protobuf encoding', () => {
    const cell = Cell.fromPartial({ metadata: { name: 'c' } });
    // field 1 (metadata), length 3: field 1 (name), length 1, 'c'
    expect(encodedSize('cell', cell)).toBe(5);
  });

  it.each([
    // Each env value is 32 KiB; 8 of them plus framing pass 256 KiB, 7 do not.
    { name: '7 x 32 KiB env values', env: 7, annotations: 0, path: undefined },
    { name: '9 x 32 KiB env values', env: 9, annotations: 0, path: 'spec.template.env' },
    { name: 'annotations dominate', env: 2, annotations: 5, path: 'metadata.annotations' },
  ])('$name', ({ env, annotations, path }) => {
    const value = 'v'.repeat(32 * 1024);
    const resource = deployment(
      Object.fromEntries(Array.from({ length: env }, (_, i) => [`E${i}`, value])),
      Object.fromEntries(Array.from({ length: annotations }, (_, i) => [`a${i}`, value + value])),
    );
    const errors = validateSize('deployment', resource);
    if (path === undefined) expect(errors).toEqual([]);
    else {
      expect(errors.map((e) => e.path)).toEqual([path]);
      expect(errors[0]!.message).toMatch(/^resource is \d+ bytes encoded, over the limit of 262144 \(256 KiB\); the largest field is /);
    }
  });

  it('is part of validateResource', () => {
    const resource = deployment(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`E${i}`, 'v'.repeat(32 * 1024)])));
    expect(validateResource('deployment', resource).map((e) => e.path)).toEqual(['spec.template.env']);
  });
});
