import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { readFileSync, readdirSync } from 'node:fs';

// Folders of the projects carrying a tag, read from their project.json so a new library is
// covered by adding the tag, nothing more.
const rootsTagged = (tag) => ['libs', 'apps'].flatMap((dir) =>
  readdirSync(dir).filter((name) => {
    try {
      return JSON.parse(readFileSync(`${dir}/${name}/project.json`, 'utf8')).tags.includes(tag);
    } catch {
      return false;
    }
  }).map((name) => `${dir}/${name}`),
);
const pureRoots = rootsTagged('type:pure');
const nodeRoots = rootsTagged('scope:node');

// I/O packages a pure decision library must never import (docs/conventions.md, rule 2).
const IO_PACKAGES = [
  '@nestjs/*', 'etcd3', '@grpc/*', '@aws-sdk/*', '@google-cloud/*', 'pino', 'pino-pretty', 'prom-client',
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'http2', 'node:http2',
  'child_process', 'node:child_process', 'dgram', 'node:dgram',
];

const DEP_CONSTRAINTS = [
  { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:api'] },
  { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', 'type:api'], bannedExternalImports: IO_PACKAGES },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:api'] },
  { sourceTag: 'type:io', onlyDependOnLibsWithTags: ['type:io', 'type:pure', 'type:util', 'type:api'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:io', 'type:util', 'type:api'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:adapter', 'type:io', 'type:pure', 'type:util', 'type:api'] },
  // Every GPU host runs the node agent: a cloud SDK in its graph costs each host seconds of
  // start-up and a hundred MiB or more (measured by bench:footprint). Reading the metadata
  // service needs only fetch (@helios/instance-metadata).
  { sourceTag: 'scope:node', notDependOnLibsWithTags: ['type:adapter'], bannedExternalImports: ['@aws-sdk/*', '@google-cloud/*'] },
];
// Scopes, checked like types, on production code: each part of the system depends only on its
// own libraries and the shared ones (a cell library never imports control-plane code, the node
// agent no cell code). Composition roots may pick the simulation (scope:dev), production
// libraries may not (the libs/** block below); the simulation may use anything. Specs and test
// fixtures may cross scopes to test parts together.
const SCOPES = ['control-plane', 'cell', 'node', 'cli', 'router'];
const SCOPE_CONSTRAINTS = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...SCOPES.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared', 'scope:dev'] })),
  // GPU hosts run code their users bring: they hold no etcd credentials, and the node agent
  // reaches the store only through the control plane's node API (docs/architecture.md, the node
  // API). @helios/store is banned by path below: Nx checks tags through the whole graph, and
  // controller-runtime names the store's types (erased at run time) for its Manager.
  { sourceTag: 'scope:node', bannedExternalImports: ['etcd3'] },
  { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:dev', 'scope:shared', ...SCOPES.map((scope) => `scope:${scope}`)] },
];
const TEST_FILES = ['**/*.spec.ts', '**/testing/**'];
const boundaries = (depConstraints) => ['error', { allow: [], enforceBuildableLibDependency: false, banTransitiveDependencies: false, depConstraints }];

export default [
  { ignores: ['**/node_modules/**', 'dist/**', '.helios/**', '.nx/**', 'libs/api/src/gen/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name=/^(only|skip)$/]", message: 'no focused or skipped tests' },
      ],
      '@nx/enforce-module-boundaries': boundaries(DEP_CONSTRAINTS),
    },
  },
  {
    files: ['**/*.ts'],
    ignores: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries([...DEP_CONSTRAINTS, ...SCOPE_CONSTRAINTS]) },
  },
  {
    // The simulation (libs/sim, scope:dev) is for composition roots and tests: no production
    // library code may lean on it, so nothing simulated can slip into a real agent.
    files: ['libs/**/*.ts'],
    ignores: ['libs/sim/**', '**/*.spec.ts', 'libs/*/src/testing/**'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([...DEP_CONSTRAINTS, ...SCOPE_CONSTRAINTS, { sourceTag: '*', notDependOnLibsWithTags: ['scope:dev'] }]),
    },
  },
  {
    // The same ban as the scope:node constraint, by import path: it holds for a file whatever
    // the project graph says, and names the reason.
    files: nodeRoots.map((root) => `${root}/**/*.ts`),
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: 'etcd3', message: 'node agents reach etcd only through the control plane (NodeService): GPU hosts hold no etcd credentials' },
        { name: '@helios/store', message: 'node agents reach the store only through the control plane (NodeService): GPU hosts hold no etcd credentials' },
      ] }],
    },
  },
  {
    // Nx only checks npm packages; Node's own I/O modules are banned here.
    files: pureRoots.map((root) => `${root}/**/*.ts`),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: IO_PACKAGES.filter((p) => !p.includes('*')), patterns: IO_PACKAGES.filter((p) => p.includes('*')) }],
    },
  },
];
