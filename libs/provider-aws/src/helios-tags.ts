/**
 * EC2 tag keys Helios writes on every instance it launches, and reads back in `list`. The tier
 * tag's value is the tier's word (tierWord), the same as GCE's label.
 */
export const HELIOS_TAG = {
  cell: 'helios:cell',
  pool: 'helios:pool',
  node: 'helios:node',
  tier: 'helios:tier',
  /** The launch request's token (the per-instance ClientToken is derived from it). */
  launchToken: 'helios:launch-token',
} as const;
