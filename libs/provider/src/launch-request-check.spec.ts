import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { checkLaunchRequest, placedTemplateProblem, type LaunchRules } from './launch-request-check';
import type { LaunchRequest, PoolTemplate } from './provider';
import { isProviderError } from './provider-error';

const template: PoolTemplate = { cell: 'c1', pool: 'h100', region: 'r', zone: 'z1', instanceType: 'p5.48xlarge', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND };
const request: LaunchRequest = { template, count: 2, token: 'tok', nodeNames: ['a', 'b'] };

/** The message a check throws, or undefined when it passes. */
function problemOf(r: LaunchRequest, rules?: LaunchRules): string | undefined {
  try {
    checkLaunchRequest(r, rules);
    return undefined;
  } catch (err) {
    expect(isProviderError(err, 'InvalidConfiguration')).toBe(true);
    return (err as Error).message;
  }
}

describe('checkLaunchRequest', () => {
  it.each([
    { name: 'a well-formed request', r: request, want: undefined },
    { name: 'an empty token', r: { ...request, token: '' }, want: 'token is empty' },
    { name: 'a count of 0', r: { ...request, count: 0, nodeNames: [] }, want: 'count must be a positive integer, got 0' },
    { name: 'a fractional count', r: { ...request, count: 1.5 }, want: 'count must be a positive integer, got 1.5' },
    // The worked example.
    { name: 'fewer node names than instances', r: { ...request, count: 3 }, want: '3 instances need 3 node names, got 2' },
    { name: 'a name twice', r: { ...request, nodeNames: ['a', 'a'] }, want: 'node names must be distinct: a, a' },
  ])('$name', ({ r, want }) => {
    expect(problemOf(r)).toBe(want === undefined ? undefined : `launch in pool h100 of cell c1: ${want}`);
  });

  it("applies the adapter's rules after its own, token first, then each name, then the template", () => {
    const seen: string[] = [];
    const rules: LaunchRules = {
      token: (t) => (seen.push(`token ${t}`), undefined),
      nodeName: (n) => (seen.push(`name ${n}`), n === 'b' ? `name ${n} is not allowed` : undefined),
      template: () => (seen.push('template'), 'never reached'),
    };
    expect(problemOf(request, rules)).toBe('launch in pool h100 of cell c1: name b is not allowed');
    expect(seen).toEqual(['token tok', 'name a', 'name b']);
    expect(problemOf({ ...request, token: '' }, rules)).toBe('launch in pool h100 of cell c1: token is empty');
    expect(seen).toHaveLength(3);
  });
});

describe('placedTemplateProblem', () => {
  it.each([
    { name: 'a placed on-demand template', t: template, want: undefined },
    { name: 'no zone', t: { ...template, zone: '' }, want: 'template.zone is empty' },
    { name: 'no instance type', t: { ...template, instanceType: '' }, want: 'template.instanceType is empty' },
    { name: 'an unspecified tier', t: { ...template, tier: Tier.TIER_UNSPECIFIED }, want: `tier ${Tier.TIER_UNSPECIFIED} is not launchable` },
    // The worked example.
    { name: 'a reserved pool without a reservation', t: { ...template, tier: Tier.TIER_RESERVED }, want: 'a reserved pool needs template.reservationId (the reservation name)' },
    { name: 'a reserved pool with its reservation', t: { ...template, tier: Tier.TIER_RESERVED, reservationId: 'res-1' }, want: undefined },
  ])('$name', ({ t, want }) => {
    expect(placedTemplateProblem(t, 'the reservation name')).toBe(want);
  });
});
