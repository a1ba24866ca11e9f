import { KIND_NAMES, KINDS, kindByAlias, type KindInfo, type KindName } from '@helios/api';
import { UsageError } from './cli-error';

/** Finds the kind a person typed (`pools`, `np`, `NodePool`), or fails listing the words we know. */
export function resolveKind(word: string): KindInfo {
  const info = kindByAlias(word);
  if (info) return info;
  const known = KIND_NAMES.map((k) => KINDS[k].aliases.join('|')).join(', ');
  throw new UsageError(`unknown resource type "${word}" (known: ${known})`);
}

/** The parent flags a command accepts. */
export interface ParentFlags {
  cell?: string;
  deployment?: string;
}

/**
 * The parent name to send for a kind: `--cell` for pools and nodes, `--deployment` for replicas;
 * '' when not given. A flag that does not apply to the kind is a usage error, not ignored, so
 * `get replicas --cell x` does not quietly list every replica.
 */
export function parentFor(kind: KindName, flags: ParentFlags): string {
  const field = KINDS[kind].parentField;
  for (const flag of ['cell', 'deployment'] as const) {
    if (flags[flag] !== undefined && field !== flag) {
      const applies = KIND_NAMES.filter((k) => KINDS[k].parentField === flag).map((k) => `${KINDS[k].display.toLowerCase()}s`);
      throw new UsageError(`--${flag} applies only to ${applies.join(' and ')}`);
    }
  }
  return (field && flags[field]) || '';
}
