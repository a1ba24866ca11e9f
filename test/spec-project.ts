/** The vitest project a spec runs in, named for what it needs (see vitest.config.ts). */
export type SpecProject = 'unit' | 'integration' | 'e2e';

export const SPEC_PROJECTS: readonly SpecProject[] = ['unit', 'integration', 'e2e'];

// Calls that start a real process from a spec: an app through the launcher, the CLI as users run
// it, replicas through the process runtime, or child_process itself (imported, required or loaded).
const STARTS_PROCESSES: readonly RegExp[] = [
  /\blaunchComponent\(/,
  /\b(startCli|runCli)\(/,
  /\bnew ProcessRuntime\(/,
  /(\bfrom|\bimport\(|\brequire\()\s*['"](node:)?child_process['"]/,
];

// The shared etcd reaches a spec only through `inject('etcdEndpoint')`; a spec may also start etcd itself.
const USES_ETCD: readonly RegExp[] = [/\binject\(\s*['"]etcdEndpoint['"]\s*\)/, /\bstartEtcd(Cluster)?\(/];

// A spec whose own text does not show what it needs (it starts a process through the code under
// test, say) names its project in a line comment: `// spec-project: e2e`.
const MARKER = /^\s*\/\/\s*spec-project:\s*(unit|integration|e2e)\b/m;

/**
 * The project of a spec, read from its source: the one its marker names, else `e2e` when it
 * starts processes, else `integration` when it uses etcd, else `unit`. Only the spec's own text
 * counts, never what its imports do, so a spec that only imports `waitFor` from the launcher
 * stays a unit spec.
 *
 * Example: `const endpoint = inject('etcdEndpoint')` -> integration; the same spec calling
 * `launchComponent({ entry: 'apps/node-agent/src/main.ts', ... })` too -> e2e.
 */
export function specProject(source: string): SpecProject {
  const marked = MARKER.exec(source)?.[1];
  if (marked) return marked as SpecProject;
  if (STARTS_PROCESSES.some((signal) => signal.test(source))) return 'e2e';
  if (USES_ETCD.some((signal) => signal.test(source))) return 'integration';
  return 'unit';
}

/** The spec files of each project: every file in exactly one. */
export function partitionSpecs(specs: readonly { path: string; source: string }[]): Record<SpecProject, string[]> {
  const projects: Record<SpecProject, string[]> = { unit: [], integration: [], e2e: [] };
  for (const spec of specs) projects[specProject(spec.source)].push(spec.path);
  return projects;
}
