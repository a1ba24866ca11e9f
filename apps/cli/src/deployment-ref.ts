import { UsageError } from './cli-error';
import { resolveKind } from './kind-word';

/**
 * The deployment a rollout or scale command names, as kubectl takes it: `deployment/NAME`
 * (`deploy/NAME`) in one word, or `deployment NAME` in two.
 *
 * Examples: ["deployment/web"] -> "web"; ["deploy", "web"] -> "web"; ["pool/gpu-a"] -> usage error.
 */
export function parseDeploymentRef(words: readonly string[], command: string): string {
  const [first, second, ...rest] = words;
  if (first === undefined) throw new UsageError(`${command} needs a deployment: deployment/NAME`);
  const slash = first.indexOf('/');
  const [kindWord, name] = slash >= 0 ? [first.slice(0, slash), first.slice(slash + 1)] : [first, second];
  const extra = slash >= 0 ? [second, ...rest].filter((w) => w !== undefined) : rest;
  if (resolveKind(kindWord).name !== 'deployment') throw new UsageError(`${command} works on deployments, got "${first}": give deployment/NAME`);
  if (!name) throw new UsageError(`${command} needs a deployment name: deployment/NAME`);
  if (extra.length > 0) throw new UsageError(`${command} takes one deployment, got more: ${extra.join(' ')}`);
  return name;
}
