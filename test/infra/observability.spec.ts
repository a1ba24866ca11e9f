/**
 * The Prometheus configuration, alert and recording rules and the Grafana dashboard in infra/
 * are checked by promtool, their alerts unit-tested, and every Helios metric they query must be
 * one the code registers, so a renamed metric breaks this test rather than a dashboard.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@helios/launcher';

const PROMETHEUS = join(REPO_ROOT, 'infra/prometheus');

function promtool(args: string[], cwd: string): string {
  return execFileSync('promtool', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'gen') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Metric names the code registers with prom-client (`name: 'helios_...'`). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(REPO_ROOT, 'apps')), ...sourceFiles(join(REPO_ROOT, 'libs'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/name: '(helios_[a-z0-9_]+)'/g)) names.add(m[1]!);
  }
  return names;
}

/** Helios metric names an expression queries, without histogram suffixes. */
function queriedMetrics(text: string): string[] {
  return [...text.matchAll(/\bhelios_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

describe('observability assets', () => {
  it('promtool accepts the Prometheus configuration and its rule files', () => {
    const out = promtool(['check', 'config', 'prometheus.yml'], PROMETHEUS);
    expect(out).toContain('SUCCESS: 1 rule files found');
  });

  it('the alert and recording rules pass their promtool unit tests', () => {
    expect(promtool(['test', 'rules', 'helios-rules.test.yml'], PROMETHEUS)).toContain('SUCCESS');
  });

  it('every metric the rules and the dashboard query is registered by the code', () => {
    const registered = registeredMetrics();
    const rules = readFileSync(join(PROMETHEUS, 'helios-rules.yml'), 'utf8');
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/grafana/helios-fleet.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const queried = new Set([...queriedMetrics(rules), ...dashboard.panels.flatMap((p) => p.targets.flatMap((t) => queriedMetrics(t.expr)))]);
    expect(queried.size).toBeGreaterThan(10);
    expect([...queried].filter((name) => !registered.has(name))).toEqual([]);
  });
});
