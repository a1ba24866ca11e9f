import type { Deployment, Replica } from '@helios/api';
import { inEndpointSet } from '@helios/replica-lifecycle';
import { COMPLETE, findCondition } from '@helios/rollout';
import { Informer, type Etcd3, type Keys } from '@helios/store';

/** True when the controller has seen the deployment's spec and reports its rollout complete. */
export function isComplete(d: Deployment | undefined): boolean {
  const status = d?.status;
  const wanted = d?.spec?.replicas ?? 0;
  return (
    !!status &&
    status.observedGeneration === (d?.metadata?.generation ?? 0) &&
    findCondition(status.conditions, COMPLETE)?.status === 'True' &&
    status.updatedReplicas === wanted &&
    status.replicas === wanted &&
    status.availableReplicas === wanted
  );
}

/**
 * Follows one deployment and its replicas through informers (straight from etcd) and records,
 * for the phase under way, the fewest replicas serving at any revision the watch delivered.
 */
export class FleetWatch {
  private readonly deployments: Informer<'deployment'>;
  private readonly replicas: Informer<'replica'>;
  private readonly minServing = new Map<string, number>();
  private readonly dead = new Set<string>();
  private phase: string | undefined;

  constructor(
    client: Etcd3,
    keys: Keys,
    private readonly name: string,
  ) {
    this.deployments = new Informer(client, keys, 'deployment');
    this.replicas = new Informer(client, keys, 'replica', { parent: name });
    this.replicas.on(() => this.observe());
  }

  async start(): Promise<void> {
    await Promise.all([this.deployments.start(), this.replicas.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.deployments.stop(), this.replicas.stop()]);
  }

  /** Starts recording the minimum for `phase` (from the current count). */
  beginPhase(phase: string): void {
    this.phase = phase;
    this.observe();
  }

  /** Stops recording. */
  endPhase(): void {
    this.phase = undefined;
  }

  /** The fewest serving replicas seen in a phase. */
  minServingIn(phase: string): number {
    return this.minServing.get(phase) ?? Number.NaN;
  }

  deployment(): Deployment | undefined {
    return this.deployments.get(this.name);
  }

  replicaList(): Replica[] {
    return this.replicas.list();
  }

  /**
   * Replicas serving: Ready, not retiring, and not on a node known to be dead. A killed node's
   * replicas stay Ready in etcd until its lease expires, but they serve nothing from the kill on.
   */
  serving(): Replica[] {
    return this.replicas.list().filter((r) => inEndpointSet(r) && !this.dead.has(r.spec?.node ?? ''));
  }

  /** Tells the watch that a node died just now. */
  markDead(node: string): void {
    this.dead.add(node);
    this.observe();
  }

  private observe(): void {
    if (!this.phase) return;
    const serving = this.serving().length;
    this.minServing.set(this.phase, Math.min(this.minServing.get(this.phase) ?? Infinity, serving));
  }
}
