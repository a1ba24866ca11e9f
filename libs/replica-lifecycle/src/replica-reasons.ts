/**
 * Every value a Replica's status.reason takes, grouped by who writes it. The reason says why the
 * replica is in its phase: why a Pending one waits, what a Starting one's run is doing, why a
 * Terminating one was retired, why a Failed one will never run again. Ready and Bound replicas
 * carry no reason (''). Writers and readers (`failuresOf`, the CLI, the specs) use these names,
 * so a renamed reason breaks the build, not a comparison.
 */
export const REPLICA_REASONS = {
  // Pending without a cell: cell placement (placeReplicas) could not place it.
  /** No allowed cell is Ready. */
  noReadyCell: 'NoReadyCell',
  /** No allowed cell has free GPUs of the type and tier, now or on the way. */
  noCapacity: 'NoCapacity',
  /** Only preemptible capacity is left, and the tier policy's preemptible share is used up. */
  preemptibleLimit: 'PreemptibleLimit',

  // Pending without a cell again: the capacity controller handed it back to placement.
  /** Its cell has had no live cell agent for the grace period. */
  cellUnreachable: 'CellUnreachable',
  /** No pool of its cell offers the GPU type and tier on nodes big enough. */
  noMatchingPool: 'NoMatchingPool',
  /** Every matching pool of its cell is out of cloud capacity. */
  capacityUnavailable: 'CapacityUnavailable',
  /** Every matching pool of its cell is at its max. */
  poolsAtMax: 'PoolsAtMax',

  // Pending in a cell without a node: the cell agent's node binder could not bind it.
  /** Schedulable nodes of the type and tier exist, but none has enough free GPUs. */
  insufficientGpus: 'InsufficientGpus',
  /** No Ready, uncordoned node of the type and tier. */
  noSchedulableNode: 'NoSchedulableNode',

  // Its run, as the node agent reports it (from the replica runtime).
  /** Starting: the run is being set up. */
  starting: 'Starting',
  /** Starting: the process started; readiness not passed yet. */
  started: 'Started',
  /** Starting: the process started again after a crash. */
  restarted: 'Restarted',
  /** Starting: the process could not be started (it is tried again). */
  startFailed: 'StartFailed',
  /** Starting: the process exited; it is restarted after a backoff and counted in restarts. */
  crashed: 'Crashed',
  /** Starting: the process runs but fails its readiness probe. */
  readinessProbeFailed: 'ReadinessProbeFailed',
  /** The run passes readiness (the status then carries no reason). */
  ready: 'Ready',
  /** Terminating: the process is being stopped. */
  stopping: 'Stopping',
  /** The process is stopped. */
  stopped: 'Stopped',
  /** Failed: the template has no command the process runtime can run. */
  noCommand: 'NoCommand',

  // Terminating: a retirer set deletionTime (see `retired`).
  /** The deployment controller retired it: its revision was superseded by a newer one. */
  superseded: 'Superseded',
  /** The deployment controller retired it: the deployment wants fewer replicas. */
  scaledDown: 'ScaledDown',
  /** The deployment controller retired it: its deployment is gone or was created again. */
  orphaned: 'Orphaned',
  /** An operator deleted it (the operator API's Delete). */
  deleted: 'Deleted',
  /** The cell agent retired it: its node is about to be reclaimed by the cloud. */
  nodePreempted: 'NodePreempted',
  /** Its node agent found it retired without phase Terminating and is stopping it. */
  retired: 'Retired',

  // Failed.
  /** Its node lost its heartbeat: no agent is left to run or finish it (node lifecycle controller). */
  nodeLost: 'NodeLost',
} as const;

/** A value of REPLICA_REASONS. */
export type ReplicaReason = (typeof REPLICA_REASONS)[keyof typeof REPLICA_REASONS];
