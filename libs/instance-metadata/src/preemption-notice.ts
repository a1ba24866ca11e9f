/**
 * A cloud taking a preemptible instance back, delivered ahead of the reclaim: read by a node
 * agent from its host's metadata service, or announced by a provider (the simulation's).
 */
export interface PreemptionNotice {
  instanceId: string;
  node: string;
  /** When the cloud will stop the instance. */
  deadline: Date;
}
