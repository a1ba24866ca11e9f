import { Tier } from '@helios/api';
import type { LaunchRequest, PoolTemplate } from './provider';
import { ProviderError } from './provider-error';

/**
 * What an adapter adds to the port's launch check: its cloud's own rules. Each returns why a
 * value cannot be launched as written (a phrase naming the field), or undefined when it can.
 */
export interface LaunchRules {
  /** The cloud's rule for the idempotency token (the port asks only that there is one). */
  token?(token: string): string | undefined;
  /** The cloud's rule for one node name (each instance is tagged or named after its node). */
  nodeName?(name: string): string | undefined;
  /** The cloud's rule for the template (`placedTemplateProblem` holds what real clouds share). */
  template?(template: PoolTemplate): string | undefined;
}

/**
 * Rejects, before any cloud call, a launch request that cannot be carried out as written, with an
 * InvalidConfiguration error naming the pool and the field. First what the port itself asks of
 * every request: a token, a count that is a positive integer, one node name per instance, no
 * name twice; then the adapter's `rules`, in the order token, node names, template.
 *
 * Example: {pool h100, cell c1, count 3, nodeNames [a, b]} -> InvalidConfiguration
 * "launch in pool h100 of cell c1: 3 instances need 3 node names, got 2".
 */
export function checkLaunchRequest(request: LaunchRequest, rules: LaunchRules = {}): void {
  const { template, count, token, nodeNames } = request;
  const problem =
    (token === '' ? 'token is empty' : undefined) ??
    (!Number.isInteger(count) || count < 1 ? `count must be a positive integer, got ${count}` : undefined) ??
    (nodeNames.length !== count ? `${count} instances need ${count} node names, got ${nodeNames.length}` : undefined) ??
    (new Set(nodeNames).size !== nodeNames.length ? `node names must be distinct: ${nodeNames.join(', ')}` : undefined) ??
    rules.token?.(token) ??
    firstOf(nodeNames, (name) => rules.nodeName?.(name)) ??
    rules.template?.(template);
  if (problem !== undefined) throw new ProviderError('InvalidConfiguration', `launch in pool ${template.pool} of cell ${template.cell}: ${problem}`);
}

const LAUNCHABLE_TIERS: readonly Tier[] = [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE];

/**
 * Why a real cloud cannot launch the template, or undefined: it needs a zone, an instance type, a
 * launchable tier (reserved, on-demand or preemptible), and for a reserved pool the reservation,
 * which `reservation` names as the cloud calls it. (The sim launches templates without them.)
 *
 * Example: {tier Reserved, no reservationId}, "the reservation name" -> "a reserved pool needs
 * template.reservationId (the reservation name)".
 */
export function placedTemplateProblem(template: PoolTemplate, reservation: string): string | undefined {
  if (template.zone === '') return 'template.zone is empty';
  if (template.instanceType === '') return 'template.instanceType is empty';
  if (!LAUNCHABLE_TIERS.includes(template.tier)) return `tier ${template.tier} is not launchable`;
  if (template.tier === Tier.TIER_RESERVED && !template.reservationId) return `a reserved pool needs template.reservationId (${reservation})`;
  return undefined;
}

function firstOf<T>(values: readonly T[], problem: (value: T) => string | undefined): string | undefined {
  for (const value of values) {
    const found = problem(value);
    if (found !== undefined) return found;
  }
  return undefined;
}
