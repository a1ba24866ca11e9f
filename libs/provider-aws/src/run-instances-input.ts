import { createHash } from 'node:crypto';
import type { RunInstancesCommandInput, TagSpecification, _InstanceType } from '@aws-sdk/client-ec2';
import { Tier, tierWord } from '@helios/api';
import type { PoolTemplate } from '@helios/provider';
import { HELIOS_TAG } from './helios-tags';

/** Where instances come from, beyond what a pool template says; fixed per cell agent. */
export interface AwsLaunchSettings {
  /**
   * Launch template supplying the AMI, security groups, user data, instance profile, disks; the
   * adapter still sets instance type, zone, market, reservation and tags on top of it.
   */
  launchTemplate?: { id: string; version?: string } | { name: string; version?: string };
  /** AMI id, required when no launch template supplies one. */
  imageId?: string;
  /** Subnet per availability zone; a zone without one gets the zone's default subnet. */
  subnetIdByZone?: Readonly<Record<string, string>>;
  securityGroupIds?: readonly string[];
  /** Instance profile for the nodes; launching with it needs iam:PassRole (infra/iam/README.md). */
  instanceProfileArn?: string;
}

/** One node of a launch request: which name, which position, under which request token. */
export interface NodeLaunch {
  template: PoolTemplate;
  node: string;
  index: number;
  token: string;
}

/**
 * Derives the ClientToken of the `index`-th instance of a launch request: the SHA-256 of
 * `<token>/<index>` in hex, exactly EC2's 64-character limit. Each node is its own RunInstances
 * call (see AwsProvider), so each needs its own token, and the same (token, index) must give the
 * same ClientToken on every retry, in every process.
 *
 * Worked example: token "launch-7f3a", index 0 -> sha256("launch-7f3a/0") =
 * "9addb385087586e0936fa3a81f0080d62838b6b3009f336c6224638d5b687d03" (64 hex chars).
 */
export function deriveClientToken(token: string, index: number): string {
  return createHash('sha256').update(`${token}/${index}`).digest('hex');
}

/**
 * Builds the RunInstances input for one node: MinCount = MaxCount = 1 with the derived
 * ClientToken, the pool's instance type in the template's zone, Helios tags on every resource
 * the launch creates (so IAM can require them, see infra/iam/aws-policy.json), spot market options
 * for preemptible pools, a targeted capacity reservation for reserved pools, and no reservation
 * at all for on-demand pools.
 */
export function runInstancesInput(launch: NodeLaunch, settings: AwsLaunchSettings): RunInstancesCommandInput {
  const { template, node, index, token } = launch;
  const tags = [
    { Key: HELIOS_TAG.cell, Value: template.cell },
    { Key: HELIOS_TAG.pool, Value: template.pool },
    { Key: HELIOS_TAG.node, Value: node },
    { Key: HELIOS_TAG.tier, Value: tierWord(template.tier) },
    { Key: HELIOS_TAG.launchToken, Value: token },
    { Key: 'Name', Value: node },
  ];
  const tagged: TagSpecification['ResourceType'][] = ['instance', 'volume', 'network-interface'];
  // A one-time spot launch creates a spot-instances-request too; tagging it keeps the IAM
  // "every created resource carries helios:cell" rule true for spot launches.
  if (template.tier === Tier.TIER_PREEMPTIBLE) tagged.push('spot-instances-request');

  const input: RunInstancesCommandInput = {
    ClientToken: deriveClientToken(token, index),
    MinCount: 1,
    MaxCount: 1,
    // The SDK types instance types as a closed union; new GPU types appear before SDK releases do,
    // and EC2 itself validates the name (InvalidInstanceType -> InvalidConfiguration).
    InstanceType: template.instanceType as _InstanceType,
    Placement: { AvailabilityZone: template.zone },
    TagSpecifications: tagged.map((ResourceType) => ({ ResourceType, Tags: tags })),
  };
  if (settings.launchTemplate) {
    const lt = settings.launchTemplate;
    input.LaunchTemplate = 'id' in lt ? { LaunchTemplateId: lt.id, Version: lt.version } : { LaunchTemplateName: lt.name, Version: lt.version };
  }
  if (settings.imageId) input.ImageId = settings.imageId;
  const subnet = settings.subnetIdByZone?.[template.zone];
  if (subnet) input.SubnetId = subnet;
  if (settings.securityGroupIds?.length) input.SecurityGroupIds = [...settings.securityGroupIds];
  if (settings.instanceProfileArn) input.IamInstanceProfile = { Arn: settings.instanceProfileArn };

  if (template.tier === Tier.TIER_PREEMPTIBLE) {
    input.InstanceMarketOptions = {
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    };
  } else if (template.tier === Tier.TIER_RESERVED) {
    input.CapacityReservationSpecification = { CapacityReservationTarget: { CapacityReservationId: template.reservationId } };
  } else {
    // An on-demand launch would otherwise consume any matching open reservation, taking the
    // capacity the reserved pool counts on.
    input.CapacityReservationSpecification = { CapacityReservationPreference: 'none' };
  }
  return input;
}
