import { CellPhase, type Cell, type Replica } from '@helios/api';
import { awaitsNode, CELL_CONDITIONS, REPLICA_REASONS } from '@helios/replica-lifecycle';

/** Replicas placed in a cell that cannot bind them, and why. */
export interface StrandedReplicas {
  /** Pending replicas of the cell without a node, to hand back to cell placement now. */
  replicas: Replica[];
  reason: typeof REPLICA_REASONS.cellUnreachable;
  message: string;
}

/**
 * Which replicas waiting for a node in `cellName` must be placed again because no cell agent will
 * bind them: all of them once the cell has been Unreachable (its agent's lease expired) for
 * `graceSeconds`. A cell agent that restarts within the grace keeps its queue, so a
 * routine restart moves nothing; replicas already on nodes are left alone, since their node
 * agents run them without the cell agent (their nodes' own leases decide their fate).
 * A cell missing from the snapshot moves nothing: its liveness is unknown, not lost.
 * `recheckAt` is when the grace ends, when it has not yet.
 *
 * Example: cell "north" Unreachable since 10:00:00, grace 30 s, replicas r1 (Pending, no node)
 * and r2 (Ready on n1): at 10:00:20 -> nothing, recheck at 10:00:30; at 10:00:31 -> [r1],
 * reason CellUnreachable.
 */
export function strandedReplicas(
  cellName: string,
  cell: Cell | undefined,
  replicas: readonly Replica[],
  now: Date,
  graceSeconds: number,
): { stranded?: StrandedReplicas; recheckAt?: Date } {
  const waiting = replicas.filter((r) => r.spec?.cell === cellName && awaitsNode(r));
  if (waiting.length === 0) return {};
  if (cell?.status?.phase !== CellPhase.CELL_PHASE_UNREACHABLE) return {};
  const since = Date.parse(cell.status.conditions.find((c) => c.type === CELL_CONDITIONS.agentLive && c.status === 'False')?.lastTransitionTime ?? '');
  // Unreachable with no time recorded: count from now rather than move work on a guess.
  const from = Number.isNaN(since) ? now.getTime() : since;
  const until = from + graceSeconds * 1000;
  if (now.getTime() < until) return { recheckAt: new Date(until) };
  return {
    stranded: {
      replicas: waiting,
      reason: REPLICA_REASONS.cellUnreachable,
      message: `cell ${cellName} has had no live cell agent for ${Math.round((now.getTime() - from) / 1000)}s (grace ${graceSeconds}s)`,
    },
  };
}
