/** How a node agent paces itself and stops replicas: every knob has a default (see resolveNodeAgentSettings). */
export interface NodeAgentSettings {
  /** Heartbeat lease TTL in seconds (etcd raises anything under 2). */
  leaseTtl: number;
  /** Address replicas on this node are reached at. */
  address: string;
  /** Drain before SIGTERM of a retired replica whose deployment strategy leaves it at 0, in seconds. */
  drainSeconds: number;
  /** SIGTERM-to-SIGKILL grace of a retired replica whose strategy leaves it at 0, in seconds. */
  terminationGraceSeconds: number;
  /** Grace of the replicas still running when the agent itself stops, in seconds. */
  shutdownGraceSeconds: number;
  /** How often the cloud's preemption notice is read, in ms (AWS asks for every 5 s against a 2-minute notice; GCE gives 30 s). */
  preemptionPollMs: number;
}

/**
 * Applies the defaults, the one place they are written: a 5 s lease, replicas reached at
 * 127.0.0.1, a 3 s drain and 10 s grace for a retired replica, 5 s for those still running when
 * the agent stops, the preemption notice read every 5 s. apps/node-agent's settings table takes
 * its defaults from here.
 */
export function resolveNodeAgentSettings(settings: Partial<NodeAgentSettings> = {}): NodeAgentSettings {
  return {
    leaseTtl: settings.leaseTtl ?? 5,
    address: settings.address ?? '127.0.0.1',
    drainSeconds: settings.drainSeconds ?? 3,
    terminationGraceSeconds: settings.terminationGraceSeconds ?? 10,
    shutdownGraceSeconds: settings.shutdownGraceSeconds ?? 5,
    preemptionPollMs: settings.preemptionPollMs ?? 5_000,
  };
}
