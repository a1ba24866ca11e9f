import { EventType, KINDS, RolloutAction, type Deployment, type Resource } from '@helios/api';
import type { CliContext } from '../cli-context';
import { CliError, UsageError } from '../cli-error';
import { parseDeploymentRef } from '../deployment-ref';
import { formatRevision, formatRolloutHistory } from '../rollout-history-format';
import { rolloutBaseline, rolloutVerdict } from '../rollout-progress';

/** Exit code of `rollout status` interrupted by Ctrl-C before the rollout ended (128 + SIGINT). */
const INTERRUPTED = 130;

const deploymentOf = (resource: Resource | undefined): Deployment | undefined =>
  resource?.kind?.$case === 'deployment' ? resource.kind.deployment : undefined;

/**
 * `helios rollout status deployment/NAME`: prints the rollout's progress as it changes until it
 * completes (exit 0) or fails (exit 1: rolled back automatically, or past its progress
 * deadline). Ctrl-C stops waiting (exit 130).
 */
export async function rolloutStatusCommand(ctx: CliContext, words: string[]): Promise<void> {
  const name = parseDeploymentRef(words, 'rollout status');
  const api = ctx.api();
  const list = await api.list({ kind: KINDS.deployment.kind, parent: '', labelSelector: {} });
  const first = list.items.map(deploymentOf).find((d) => d?.metadata?.name === name);
  if (!first) throw new CliError(`Deployment "${name}" not found`);
  const baseline = rolloutBaseline(first);
  let last = '';
  // Prints a line when the verdict changes; returns true once the rollout has ended.
  const report = (deployment: Deployment): { ended: boolean; failure?: string } => {
    const verdict = rolloutVerdict(deployment, baseline);
    if (verdict.state === 'failed') return { ended: true, failure: verdict.message };
    if (verdict.message !== last) ctx.out(`${verdict.message}\n`);
    last = verdict.message;
    return { ended: verdict.state === 'done' };
  };
  const initial = report(first);
  if (initial.failure) throw new CliError(initial.failure);
  if (initial.ended) return;

  let outcome: { ended: boolean; failure?: string; interrupted?: boolean } = { ended: false };
  const handle = api.watch({ kind: KINDS.deployment.kind, parent: '', labelSelector: {}, resourceVersion: list.resourceVersion, sendInitialEvents: false }, (event) => {
    const deployment = deploymentOf(event.resource);
    if (outcome.ended || deployment?.metadata?.name !== name) return;
    outcome = event.type === EventType.EVENT_TYPE_DELETED ? { ended: true, failure: `Deployment "${name}" was deleted` } : report(deployment);
    if (outcome.ended) handle.cancel();
  });
  const unsubscribe = ctx.onInterrupt(() => {
    outcome = { ended: true, interrupted: true };
    handle.cancel();
  });
  try {
    await handle.done;
  } finally {
    unsubscribe();
  }
  if (outcome.interrupted) throw new CliError(`stopped waiting for deployment "${name}": the rollout goes on`, INTERRUPTED);
  if (outcome.failure) throw new CliError(outcome.failure);
  if (!outcome.ended) throw new CliError(`the watch of deployment "${name}" ended before the rollout did`);
}

/** `helios rollout history deployment/NAME [--revision N]`: the recorded revisions, or one in full. */
export async function rolloutHistoryCommand(ctx: CliContext, words: string[], options: { revision?: string }): Promise<void> {
  const name = parseDeploymentRef(words, 'rollout history');
  const revision = options.revision === undefined ? undefined : parseRevision(options.revision, '--revision');
  const deployment = deploymentOf(await ctx.api().get({ kind: KINDS.deployment.kind, name, parent: '' }));
  if (!deployment) throw new CliError(`Deployment "${name}" not found`);
  if (revision === undefined) return ctx.out(formatRolloutHistory(deployment, ctx.now()));
  const text = formatRevision(deployment, revision);
  if (!text) throw new CliError(`deployment "${name}" has no revision ${revision} in its history`);
  ctx.out(text);
}

/** `helios rollout undo deployment/NAME [--to-revision N]`: back to the previous or a named revision. */
export async function rolloutUndoCommand(ctx: CliContext, words: string[], options: { toRevision?: string }): Promise<void> {
  const name = parseDeploymentRef(words, 'rollout undo');
  const toRevision = options.toRevision === undefined ? 0 : parseRevision(options.toRevision, '--to-revision');
  await ctx.api().rollout({ deployment: name, action: RolloutAction.ROLLOUT_ACTION_UNDO, toRevision });
  ctx.out(toRevision > 0 ? `deployment/${name} rolled back to revision ${toRevision}\n` : `deployment/${name} rolled back\n`);
}

const SIMPLE_ACTIONS = {
  pause: { action: RolloutAction.ROLLOUT_ACTION_PAUSE, done: 'paused' },
  resume: { action: RolloutAction.ROLLOUT_ACTION_RESUME, done: 'resumed' },
  restart: { action: RolloutAction.ROLLOUT_ACTION_RESTART, done: 'restarted' },
} as const;

/** `helios rollout pause|resume|restart deployment/NAME`. */
export async function rolloutActionCommand(ctx: CliContext, verb: keyof typeof SIMPLE_ACTIONS, words: string[]): Promise<void> {
  const name = parseDeploymentRef(words, `rollout ${verb}`);
  const { action, done } = SIMPLE_ACTIONS[verb];
  await ctx.api().rollout({ deployment: name, action, toRevision: 0 });
  ctx.out(`deployment/${name} ${done}\n`);
}

function parseRevision(text: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`${flag} "${text}": expected a revision number (1, 2, ...)`);
  return Number(text);
}
