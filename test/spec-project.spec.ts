import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { partitionSpecs, specProject, type SpecProject } from './spec-project';

// Quotes, opening parentheses and the marker's colon in these sources are escaped (\u0027, \u0022,
// \u0028, \u003a), so the text of this file carries none of the signals it tests: it stays a unit spec.
const cases: { what: string; source: string; project: SpecProject }[] = [
  { what: 'pure logic', source: "import { planPool } from \u0027./plan-pool\u0027;\nexpect\u0028planPool\u0028[]\u0029\u0029", project: 'unit' },
  { what: 'waitFor from the launcher, no launch', source: "import { waitFor } from \u0027@helios/launcher\u0027;\nawait waitFor\u0028\u0027x\u0027, () => true\u0029", project: 'unit' },
  { what: 'child_process named in a comment only', source: '// no child_process here, and nothing launched', project: 'unit' },
  { what: 'the shared etcd', source: "const endpoint = inject\u0028\u0027etcdEndpoint\u0027\u0029;", project: 'integration' },
  { what: 'the shared etcd, double quotes', source: 'connectEtcd\u0028inject\u0028 "etcdEndpoint" \u0029\u0029', project: 'integration' },
  { what: 'its own etcd', source: 'etcd = await startEtcd\u0028{ dataDir }\u0029', project: 'integration' },
  { what: 'its own etcd cluster', source: 'const cluster = await startEtcdCluster\u00283\u0029', project: 'integration' },
  { what: 'an app through the launcher', source: "launchComponent\u0028{ entry: \u0027apps/router/src/main.ts\u0027 }\u0029", project: 'e2e' },
  { what: 'an app through the launcher, with etcd', source: "inject\u0028\u0027etcdEndpoint\u0027\u0029;\nlaunchComponent\u0028{}\u0029", project: 'e2e' },
  { what: 'the CLI', source: "await runCli\u0028[\u0027get\u0027, \u0027cells\u0027]\u0029", project: 'e2e' },
  { what: 'the CLI, left running', source: "const run = startCli\u0028[\u0027get\u0027]\u0029", project: 'e2e' },
  { what: 'replicas as processes', source: 'const runtime = new ProcessRuntime\u0028{ cwd: REPO_ROOT }\u0029', project: 'e2e' },
  { what: 'child_process imported', source: "import { spawn } from \u0027node:child_process\u0027;", project: 'e2e' },
  { what: 'child_process without node:', source: 'import { execFileSync } from \u0022child_process\u0022;', project: 'e2e' },
  { what: 'child_process required', source: "const cp = require\u0028\u0027child_process\u0027\u0029;", project: 'e2e' },
  { what: 'a marker', source: 'readGpuInventory\u0028{ command }\u0029\n// spec-project\u003a e2e', project: 'e2e' },
  { what: 'a marker, indented, with a reason', source: '  //spec-project\u003a integration (etcd through a fixture)', project: 'integration' },
  { what: 'a marker over what the text shows', source: "// spec-project\u003a unit\nimport { spawn } from \u0027node:child_process\u0027;", project: 'unit' },
  { what: 'a marker naming no project', source: '// spec-project\u003a everything', project: 'unit' },
  { what: 'a marker inside code, not a line comment', source: "const note = \u0027// spec-project\u003a e2e\u0027;", project: 'unit' },
  { what: 'child_process loaded', source: "const cp = await import\u0028\u0027node:child_process\u0027\u0029;", project: 'e2e' },
];

describe('specProject', () => {
  it.each(cases)('$what -> $project', ({ source, project }) => {
    expect(specProject(source)).toBe(project);
  });

  it('puts this spec, whose text only quotes the signals escaped, in unit', () => {
    expect(specProject(readFileSync(__filename, 'utf8'))).toBe('unit');
  });
});

describe('partitionSpecs', () => {
  it('puts every spec in exactly one project', () => {
    const specs = cases.map(({ what, source }) => ({ path: what, source }));
    const projects = partitionSpecs(specs);
    expect(Object.values(projects).flat().sort()).toEqual(specs.map((s) => s.path).sort());
    for (const { what, project } of cases) expect(projects[project]).toContain(what);
  });
});
