import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { partitionSpecs } from './test/spec-project';

// One source for import aliases: the paths in tsconfig.json.
const paths: Record<string, string[]> = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.json'), 'utf8')).compilerOptions.paths;
// Exact matches, so `@helios/scheduling` does not also capture `@helios/scheduling/testing`.
const alias = Object.entries(paths).map(([name, [target]]) => ({ find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`), replacement: resolve(__dirname, target!) }));

/** Every `*.spec.ts` under `dir`, relative to the repository root. */
function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : specFiles(path);
    return entry.name.endsWith('.spec.ts') ? [relative(__dirname, path)] : [];
  });
}

// Three projects, decided by what each spec uses rather than where it sits, so a spec keeps its
// project when it moves between folders or is renamed, and no list of specs is kept anywhere.
// test/spec-project.ts reads each spec's own text; a spec lands in exactly one project:
// - a `// spec-project: <name>` line comment decides, for a spec whose text does not show its needs;
// - e2e: it starts real processes (launchComponent, runCli/startCli, new ProcessRuntime, child_process);
// - integration: otherwise, it uses etcd (`inject('etcdEndpoint')`, or starts its own);
// - unit: the rest. No etcd is started for it, and test/unit-process-guard.ts fails any process it
//   starts, so a spec the classifier misjudges fails loudly instead of slowing the unit run.
// Reading the text beats a marker on every spec (nothing to forget, nothing for a move to lose)
// and beats following imports (a spec importing `waitFor` from the launcher starts nothing).
const projects = partitionSpecs(['apps', 'libs', 'test'].flatMap((dir) => specFiles(resolve(__dirname, dir))).map((path) => ({ path, source: readFileSync(resolve(__dirname, path), 'utf8') })));
const etcd = { globalSetup: ['test/etcd-global-setup.ts'] };

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Unit specs share their workers instead of a fresh one per file: they keep no global state,
    // and the run takes a fraction of the CPU time. Vitest reads worker isolation from the root
    // config per pool, so unit specs run in threads and the others keep a process per file.
    poolOptions: { threads: { isolate: false } },
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: projects.unit, setupFiles: ['test/unit-process-guard.ts'], pool: 'threads' } },
      { extends: true, test: { name: 'integration', include: projects.integration, ...etcd } },
      { extends: true, test: { name: 'e2e', include: projects.e2e, ...etcd } },
    ],
  },
});
