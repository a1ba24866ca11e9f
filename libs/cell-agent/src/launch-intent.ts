import { LaunchIntent, NodePoolStatus, type NodePool } from '@helios/api';

/**
 * The launches recorded in the pool's status before their cloud calls (`status.launches`), so a
 * cell agent that crashes or is deposed mid-launch repeats each with the same idempotency token
 * and node names instead of launching twice: the cloud answers a repeated token with the
 * instances it already made.
 */
export function pendingLaunches(pool: NodePool): LaunchIntent[] {
  return pool.status?.launches ?? [];
}

/** Makes a launch intent for `nodeNames` with `token`, stamped now. */
export function launchIntent(token: string, nodeNames: string[], now = new Date()): LaunchIntent {
  return LaunchIntent.fromPartial({ token, count: nodeNames.length, nodeNames, createdTime: now.toISOString() });
}

/** Returns the pool with `intent` recorded (replacing one with the same token); changes `pool` in place. */
export function withLaunch(pool: NodePool, intent: LaunchIntent): NodePool {
  const status = pool.status ?? NodePoolStatus.fromPartial({});
  status.launches = [...status.launches.filter((l) => l.token !== intent.token), intent];
  pool.status = status;
  return pool;
}

/** Returns the pool without the launches whose tokens are in `done`; changes `pool` in place. */
export function withoutLaunches(pool: NodePool, done: ReadonlySet<string>): NodePool {
  if (pool.status) pool.status.launches = pool.status.launches.filter((l) => !done.has(l.token));
  return pool;
}
