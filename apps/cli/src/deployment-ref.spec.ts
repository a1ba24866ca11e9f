import { describe, expect, it } from 'vitest';
import { parseDeploymentRef } from './deployment-ref';

describe('parseDeploymentRef', () => {
  // Mirrors the examples in deployment-ref.ts.
  it.each([
    { words: ['deployment/web'], want: 'web' },
    { words: ['deploy/web'], want: 'web' },
    { words: ['deploy', 'web'], want: 'web' },
    { words: ['Deployment/llama-70b'], want: 'llama-70b' },
  ])('$words -> $want', ({ words, want }) => {
    expect(parseDeploymentRef(words, 'rollout status')).toBe(want);
  });

  it.each([
    { words: [], error: 'rollout status needs a deployment: deployment/NAME' },
    { words: ['pool/gpu-a'], error: 'rollout status works on deployments, got "pool/gpu-a": give deployment/NAME' },
    { words: ['deployment/'], error: 'rollout status needs a deployment name: deployment/NAME' },
    { words: ['deployment'], error: 'rollout status needs a deployment name: deployment/NAME' },
    { words: ['deployment/a', 'b'], error: 'rollout status takes one deployment, got more: b' },
    { words: ['pods/x'], error: expect.stringContaining('unknown resource type "pods"') },
  ])('$words is refused', ({ words, error }) => {
    expect(() => parseDeploymentRef(words, 'rollout status')).toThrow(expect.objectContaining({ message: error, exitCode: 2 }));
  });
});
