import { Deployment, metaOf, toDisplayObject, wrap, type JsonObject, type RevisionRecord } from '@helios/api';
import { age } from './human-duration';
import { toYamlText } from './output-format';
import { formatTable } from './table';

const RESTARTED_AT = 'helios.dev/restartedAt';

/** What a revision runs, in a few words: the image, else the command; and when it was restarted. */
function templateSummary(record: RevisionRecord): string {
  const t = record.template;
  const what = t?.image || (t?.command ?? []).join(' ') || '<none>';
  const restarted = t?.annotations?.[RESTARTED_AT];
  return restarted ? `${what} (restarted ${restarted})` : what;
}

/**
 * `helios rollout history`: the deployment's recorded revisions, oldest first, marking the one
 * that runs (current) and the one an automatic rollback returns to (stable).
 *
 * Example:
 *   deployment/web
 *   REVISION   STATE            AGE   TEMPLATE
 *   1          -                3d    model-server --version=v1
 *   2          current,stable   1h    model-server --version=v2
 */
export function formatRolloutHistory(deployment: Deployment, now: number): string {
  const status = deployment.status;
  const history = [...(status?.history ?? [])].sort((a, b) => a.revision - b.revision);
  const header = `deployment/${metaOf(deployment).name}\n`;
  if (history.length === 0) return `${header}No revisions recorded yet.\n`;
  const state = (r: RevisionRecord) => [r.revision === status?.revision ? 'current' : '', r.revision === status?.stableRevision ? 'stable' : ''].filter(Boolean).join(',') || '-';
  const rows = history.map((r) => [String(r.revision), state(r), age(r.createdAt, now), templateSummary(r)]);
  return header + formatTable(['REVISION', 'STATE', 'AGE', 'TEMPLATE'], rows);
}

/** `helios rollout history --revision N`: one revision's record and full template, as YAML. */
export function formatRevision(deployment: Deployment, revision: number): string | undefined {
  const record = deployment.status?.history.find((r) => r.revision === revision);
  if (!record) return undefined;
  // The display shape of a deployment leaves defaults out and names enums as manifests do.
  const display = toDisplayObject(wrap('deployment', Deployment.fromPartial({ spec: { template: record.template } })));
  const template = (display.spec as JsonObject | undefined)?.['template'] ?? {};
  return `deployment/${metaOf(deployment).name} revision ${revision}\n${toYamlText({ templateHash: record.templateHash, createdAt: record.createdAt, template })}`;
}
