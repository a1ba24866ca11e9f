import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// One source for import aliases: the paths in tsconfig.json.
const paths: Record<string, string[]> = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.json'), 'utf8')).compilerOptions.paths;
// Exact matches, so `@helios/scheduling` does not also capture `@helios/scheduling/testing`.
const alias = Object.entries(paths).map(([name, [target]]) => ({ find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`), replacement: resolve(__dirname, target!) }));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['test/etcd-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
