import type { protos } from '@google-cloud/compute';
import { Tier, tierWord } from '@helios/api';
import type { PoolTemplate } from '@helios/provider';
import { HELIOS_LABEL, TOKEN_DESCRIPTION_PREFIX } from './gcp-labels';

type InstanceResource = protos.google.cloud.compute.v1.IInstance;

/** Where instances come from, beyond what a pool template says; fixed per cell agent. */
export interface GcpLaunchSettings {
  /**
   * Instance template (`global/instanceTemplates/NAME` or a full URL) supplying disks, network,
   * service account and metadata. The insert body still sets name, machine type, labels,
   * scheduling, reservation affinity and accelerators, and those replace the template's values.
   */
  sourceInstanceTemplate?: string;
  /** Boot image when no template, e.g. `projects/ubuntu-os-accelerator-images/global/images/family/ubuntu-accelerator-2404-amd64-with-nvidia-570`. */
  bootImage?: string;
  /** Boot disk size; default 200 GB (drivers, CUDA and model weights). */
  bootDiskSizeGb?: number;
  /** Boot disk type; default pd-balanced. */
  bootDiskType?: string;
  /** Subnetwork (`regions/R/subnetworks/S` or URL); default the project's `default` network. */
  subnetwork?: string;
  /** Give nodes an external IP (ONE_TO_ONE_NAT); needs compute.subnetworks.useExternalIp. Default false. */
  externalIp?: boolean;
  /** GCE accelerator type per Helios gpuType, e.g. { h100: 'nvidia-h100-80gb' }; default the gpuType itself. */
  acceleratorTypes?: Readonly<Record<string, string>>;
}

// Machine families whose GPUs come with the machine type (A2, A3, A4, G2, G4): GCE attaches them
// and the insert must not name accelerators. Every other family (N1) takes guestAccelerators.
const ACCELERATOR_OPTIMIZED_FAMILIES = new Set(['a2', 'a3', 'a4', 'a4x', 'g2', 'g4']);

/** One node of a launch: its pool template, name and request token. */
export interface NodeInsert {
  project: string;
  template: PoolTemplate;
  node: string;
  token: string;
}

/**
 * Builds the instance resource for one node: named after the node, Helios labels (the only
 * thing `list` filters on), the launch token in the description, SPOT with DELETE on preemption
 * for preemptible pools, the named reservation for reserved pools and none for on-demand pools,
 * accelerators for N1-style machine types, and host maintenance set to TERMINATE because GPU VMs
 * cannot live-migrate.
 */
export function instanceBody(insert: NodeInsert, settings: GcpLaunchSettings): InstanceResource {
  const { project, template, node, token } = insert;
  const body: InstanceResource = {
    name: node,
    description: `${TOKEN_DESCRIPTION_PREFIX}${token}`,
    machineType: `zones/${template.zone}/machineTypes/${template.instanceType}`,
    labels: {
      [HELIOS_LABEL.cell]: template.cell,
      [HELIOS_LABEL.pool]: template.pool,
      [HELIOS_LABEL.node]: node,
      [HELIOS_LABEL.tier]: tierWord(template.tier),
    },
  };

  const family = template.instanceType.split('-')[0] ?? '';
  if (!ACCELERATOR_OPTIMIZED_FAMILIES.has(family) && template.gpusPerNode > 0) {
    const accelerator = settings.acceleratorTypes?.[template.gpuType] ?? template.gpuType;
    body.guestAccelerators = [
      { acceleratorType: `projects/${project}/zones/${template.zone}/acceleratorTypes/${accelerator}`, acceleratorCount: template.gpusPerNode },
    ];
  }

  if (template.tier === Tier.TIER_PREEMPTIBLE) {
    body.scheduling = { provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE', onHostMaintenance: 'TERMINATE', automaticRestart: false };
  } else {
    body.scheduling = { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: true };
    body.reservationAffinity =
      template.tier === Tier.TIER_RESERVED
        ? { consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: [template.reservationId ?? ''] }
        : // An on-demand VM would otherwise consume any matching reservation (ANY_RESERVATION is the
          // default), taking the capacity the reserved pool counts on.
          { consumeReservationType: 'NO_RESERVATION' };
  }

  if (!settings.sourceInstanceTemplate) {
    body.disks = [
      {
        boot: true,
        autoDelete: true,
        initializeParams: {
          sourceImage: settings.bootImage,
          diskSizeGb: settings.bootDiskSizeGb ?? 200,
          diskType: `zones/${template.zone}/diskTypes/${settings.bootDiskType ?? 'pd-balanced'}`,
        },
      },
    ];
    body.networkInterfaces = [
      {
        ...(settings.subnetwork ? { subnetwork: settings.subnetwork } : { network: 'global/networks/default' }),
        ...(settings.externalIp ? { accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] } : {}),
      },
    ];
  }
  return body;
}
