import type { Instance as Ec2Instance, InstanceStateName } from '@aws-sdk/client-ec2';
import { tierOfWord } from '@helios/api';
import type { Instance, InstanceState } from '@helios/provider';
import { HELIOS_TAG } from './helios-tags';

/**
 * Maps an EC2 instance state to the port's. Stopped and shutting-down instances still exist and
 * still hold capacity, so they read as `stopping`; only `terminated` is gone.
 */
export function instanceStateOf(name: InstanceStateName | string | undefined): InstanceState {
  switch (name) {
    case 'pending':
      return 'pending';
    case 'running':
      return 'running';
    case 'terminated':
      return 'terminated';
    default:
      // stopping, stopped, shutting-down; an absent state is treated as not usable either.
      return 'stopping';
  }
}

/**
 * Turns an EC2 instance into the port's Instance, reading cell, pool, node, tier and token from
 * the Helios tags. An instance missing a tag reports it as "" (cell, pool, node) so the pool
 * reconciler sees it as unknown and garbage-collects it instead of adopting it.
 */
export function toInstance(ec2: Ec2Instance): Instance {
  const tags = new Map((ec2.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const token = tags.get(HELIOS_TAG.launchToken);
  return {
    id: ec2.InstanceId ?? '',
    cell: tags.get(HELIOS_TAG.cell) ?? '',
    pool: tags.get(HELIOS_TAG.pool) ?? '',
    node: tags.get(HELIOS_TAG.node) ?? '',
    tier: tierOfWord(tags.get(HELIOS_TAG.tier)),
    state: instanceStateOf(ec2.State?.Name),
    zone: ec2.Placement?.AvailabilityZone ?? '',
    launchedAt: ec2.LaunchTime ?? new Date(0),
    ...(token === undefined ? {} : { token }),
  };
}
