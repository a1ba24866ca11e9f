import { Tier } from '@helios/api';
import { ProviderError, type LaunchRequest } from '@helios/provider';

// EC2 ClientToken: "a unique, case-sensitive string of up to 64 ASCII characters".
const CLIENT_TOKEN_MAX = 64;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
// EC2 tag values hold at most 256 Unicode characters.
const TAG_VALUE_MAX = 256;

/**
 * Rejects a launch request EC2 cannot carry out as written, with an InvalidConfiguration error
 * naming the field: a token that is not 1-64 printable ASCII characters, a count that does not
 * match the node names, duplicate names, an unspecified tier, or a reserved pool without a
 * reservation id.
 */
export function checkLaunchRequest(request: LaunchRequest): void {
  const { template, count, token, nodeNames } = request;
  const where = `launch in pool ${template.pool} of cell ${template.cell}`;
  const fail = (why: string): never => {
    throw new ProviderError('InvalidConfiguration', `${where}: ${why}`);
  };
  if (token.length === 0 || token.length > CLIENT_TOKEN_MAX || !PRINTABLE_ASCII.test(token)) {
    fail(`token must be 1-${CLIENT_TOKEN_MAX} printable ASCII characters, got ${JSON.stringify(token)} (${token.length} chars)`);
  }
  if (!Number.isInteger(count) || count < 1) fail(`count must be a positive integer, got ${count}`);
  if (nodeNames.length !== count) fail(`${count} instances need ${count} node names, got ${nodeNames.length}`);
  if (new Set(nodeNames).size !== nodeNames.length) fail(`node names must be distinct: ${nodeNames.join(', ')}`);
  for (const name of nodeNames) {
    if (name.length === 0 || name.length > TAG_VALUE_MAX) fail(`node name must be 1-${TAG_VALUE_MAX} characters, got ${JSON.stringify(name)}`);
  }
  if (template.zone === '') fail('template.zone is empty');
  if (template.instanceType === '') fail('template.instanceType is empty');
  if (![Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE].includes(template.tier)) fail(`tier ${template.tier} is not launchable`);
  if (template.tier === Tier.TIER_RESERVED && !template.reservationId) fail('a reserved pool needs template.reservationId (the capacity reservation id)');
}
