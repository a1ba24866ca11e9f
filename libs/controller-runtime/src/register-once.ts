import type { Registry } from 'prom-client';

/**
 * The metric `name` of `registry`, created by `create` the first time. prom-client refuses a
 * second metric of one name in a registry, and a controller is built again on the same registry
 * in every leadership term (and in tests): each build must share the first metric.
 */
export function registerOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
