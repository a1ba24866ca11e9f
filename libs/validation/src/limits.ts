/**
 * The bounds every resource is checked against. They are sanity limits, not capacity targets:
 * a value past one of them is a typo or an attack, never a real fleet (the benchmarks plan for
 * 10,000 nodes in 20 cells: `npm run bench:scale`).
 */
export const LIMITS = {
  /** Encoded size of one stored resource; etcd takes 1.5 MiB per request, we keep well below. */
  resourceBytes: 256 * 1024,
  /** DNS-1123 label length, the same as Kubernetes object names. */
  nameLength: 63,
  labels: 64,
  labelNameLength: 63,
  labelPrefixLength: 253,
  labelValueLength: 63,
  annotations: 256,
  annotationValueLength: 64 * 1024,
  /** region, zone, instance type, gpu type, provider id, uid, ... */
  shortString: 253,
  image: 1024,
  path: 1024,
  zones: 64,
  commandArgs: 256,
  commandArgLength: 4096,
  envVars: 256,
  envValueLength: 32 * 1024,
  replicas: 10_000,
  poolNodes: 100_000,
  gpusPerNode: 16,
  port: 65_535,
  /** readiness probe periods and delays, rollout timings. */
  seconds: 86_400,
  probeSeconds: 3_600,
  placementCells: 100,
  revisionHistory: 1_000,
  hourlyPrice: 1_000_000,
} as const;
