// A replacement not seen within this long is forgotten: its deployment was scaled down, deleted
// or cannot be placed, and a much later Ready replica would be no replacement of it.
const MAX_AGE_MS = 30 * 60_000;

/**
 * Pairs replicas failed by a lost node with the replicas that replace them, for
 * helios_replica_replacement_seconds. Each failed replica leaves the time its node turned
 * NotReady under its deployment; the next replica of that deployment created after that time
 * and turning Ready takes the oldest entry. An approximation: the deployment controller does not
 * say which replica replaces which, so any new Ready replica (a scale-up too) counts.
 */
export class ReplacementTracker {
  private readonly pending = new Map<string, number[]>();

  /** Records a replica of `deployment` failed because its node turned NotReady at `notReadyAt` (ms). */
  noteFailed(deployment: string, notReadyAt: number): void {
    const list = this.pending.get(deployment);
    if (list) {
      list.push(notReadyAt);
      list.sort((a, b) => a - b);
    } else this.pending.set(deployment, [notReadyAt]);
  }

  /**
   * A replica of `deployment` created at `createdAt` (ms; undefined when unknown) turned Ready at
   * `now`: returns the seconds since the NotReady it replaces, or undefined when it replaces none.
   *
   * Example: failed at 1,000 ms (NotReady), a replica created at 3,000 ms Ready at 12,000 ms ->
   * 11 s. A replica created at 500 ms (before the failure) replaces nothing.
   */
  onReady(deployment: string, createdAt: number | undefined, now: number): number | undefined {
    const list = this.pending.get(deployment);
    if (!list) return undefined;
    while (list.length > 0 && now - list[0]! > MAX_AGE_MS) list.shift();
    const index = createdAt === undefined ? 0 : list.findIndex((at) => at <= createdAt);
    if (index < 0 || index >= list.length) {
      if (list.length === 0) this.pending.delete(deployment);
      return undefined;
    }
    const [at] = list.splice(index, 1);
    if (list.length === 0) this.pending.delete(deployment);
    return Math.max(0, (now - at!) / 1000);
  }

  /** Replacements still awaited. */
  get size(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }
}
