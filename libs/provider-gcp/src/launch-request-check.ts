import { Tier } from '@helios/api';
import { ProviderError, type LaunchRequest } from '@helios/provider';
import { isInstanceName, isLabelValue } from './gcp-labels';

/**
 * Rejects a launch request GCE cannot carry out as written, with an InvalidConfiguration error
 * naming the field: an empty token, a count that does not match the node names, duplicate names,
 * node names that are not valid GCE instance names (each node's instance is named after it),
 * cell or pool names that are not valid label values, an unspecified tier, or a reserved pool
 * without a reservation name.
 */
export function checkLaunchRequest(request: LaunchRequest): void {
  const { template, count, token, nodeNames } = request;
  const where = `launch in pool ${template.pool} of cell ${template.cell}`;
  const fail = (why: string): never => {
    throw new ProviderError('InvalidConfiguration', `${where}: ${why}`);
  };
  if (token === '') fail('token is empty');
  if (!Number.isInteger(count) || count < 1) fail(`count must be a positive integer, got ${count}`);
  if (nodeNames.length !== count) fail(`${count} instances need ${count} node names, got ${nodeNames.length}`);
  if (new Set(nodeNames).size !== nodeNames.length) fail(`node names must be distinct: ${nodeNames.join(', ')}`);
  for (const name of nodeNames) {
    if (!isInstanceName(name)) fail(`node name ${JSON.stringify(name)} is not a GCE instance name (lowercase letter first, then [-a-z0-9], at most 63)`);
  }
  for (const [field, value] of [['cell', template.cell], ['pool', template.pool]] as const) {
    if (!isLabelValue(value)) fail(`${field} ${JSON.stringify(value)} is not a GCE label value ([a-z0-9_-], 1-63 characters)`);
  }
  if (template.zone === '') fail('template.zone is empty');
  if (template.instanceType === '') fail('template.instanceType is empty');
  if (![Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE].includes(template.tier)) fail(`tier ${template.tier} is not launchable`);
  if (template.tier === Tier.TIER_RESERVED && !template.reservationId) fail('a reserved pool needs template.reservationId (the reservation name)');
}
