/** Median and worst of a set of samples (RSS in MiB, or seconds). */
export interface SampleSummary {
  count: number;
  median: number | null;
  max: number | null;
}

/**
 * Nearest-rank median (the ceil(n / 2)-th of the sorted samples, so always a measured value) and
 * the maximum, the figure a target is checked against.
 *
 * Example: [1.2, 0.9, 1.4] -> median 1.2 (2nd of 3), max 1.4; [4, 1, 3, 2] -> median 2 (2nd of 4),
 * max 4. No samples -> nulls.
 */
export function summarize(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, median: null, max: null };
  return { count: sorted.length, median: sorted[Math.ceil(sorted.length / 2) - 1]!, max: sorted[sorted.length - 1]! };
}

/** What the node agents measured: resident memory and spawn to registered, one sample per agent. */
export interface NodeAgentFigures {
  rssMiB: SampleSummary;
  registerSeconds: SampleSummary;
}

/** The node agent's targets: every host runs one, beside the replicas that need the memory. */
export const NODE_AGENT_TARGETS = { rssMiB: 100, registerSeconds: 1.5 } as const;

/**
 * Why the run misses the node agent's targets, or [] when it meets them: the worst agent, not
 * the median, must be within RSS <= 100 MiB and spawn to registered <= 1.5 s. No agent measured
 * is a failure, not a pass.
 */
export function footprintFailures(f: NodeAgentFigures): string[] {
  const failures: string[] = [];
  if (f.rssMiB.max === null || f.registerSeconds.max === null) return ['no node agent was measured'];
  if (f.rssMiB.max > NODE_AGENT_TARGETS.rssMiB) failures.push(`node agent RSS ${f.rssMiB.max} MiB > ${NODE_AGENT_TARGETS.rssMiB} MiB`);
  if (f.registerSeconds.max > NODE_AGENT_TARGETS.registerSeconds) failures.push(`node agent start to registered ${f.registerSeconds.max} s > ${NODE_AGENT_TARGETS.registerSeconds} s`);
  return failures;
}
