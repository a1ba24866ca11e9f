/** Nest injection tokens of the values that are not classes of this app. */
export const CONFIG = Symbol('ControlPlaneConfig');
export const LOGGER = Symbol('Logger');
export const KEYS = Symbol('Keys');
export const RESOURCE_STORE = Symbol('ResourceStore');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
export const NODE_GATEWAY = Symbol('NodeGateway');
