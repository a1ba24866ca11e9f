/**
 * The value of one sample in Prometheus text exposition, e.g. `sampleValue(text,
 * 'helios_node_failure_detection_seconds_count')`, optionally with exact labels
 * (`{ le: "10" }`); undefined when absent.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) return Number(match[4]);
  }
  return undefined;
}

/**
 * An upper bound of a histogram's p-th percentile from its cumulative buckets: the smallest
 * bucket bound holding at least ceil(p * count) samples. Undefined without samples.
 *
 * Example: buckets le=5: 90, le=10: 99, le=+Inf: 100 -> p99 is <= 10 (99 of 100 are within it).
 */
export function histogramQuantileBound(text: string, name: string, p: number): number | undefined {
  const count = sampleValue(text, `${name}_count`);
  if (!count) return undefined;
  const bounds = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}\\s+(\\S+)`, 'gm'))]
    .map((m) => ({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), n: Number(m[2]) }))
    .sort((a, b) => a.le - b.le);
  const need = Math.ceil(p * count);
  return bounds.find((b) => b.n >= need)?.le;
}
