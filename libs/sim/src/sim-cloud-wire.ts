import type { Instance } from '@helios/provider';

/** An Instance as it travels as JSON: dates as ISO strings. */
export type WireInstance = Omit<Instance, 'launchedAt'> & { launchedAt: string };

/** The body of a failed call: a ProviderError's code and message. */
export interface WireError {
  code: string;
  message: string;
}

/** Paths of the three CloudProvider calls, under the server's URL. */
export const SIM_CLOUD_PATHS = { launch: '/v1/launch', terminate: '/v1/terminate', list: '/v1/list' } as const;

/** Puts an instance on the wire. */
export function toWire(instance: Instance): WireInstance {
  return { ...instance, launchedAt: instance.launchedAt.toISOString() };
}

/** Takes an instance off the wire. */
export function fromWire(instance: WireInstance): Instance {
  return { ...instance, launchedAt: new Date(instance.launchedAt) };
}
