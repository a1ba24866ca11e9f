import type { Tier } from '@helios/api';
import { compareText } from './replica-state';

/** A node, real or planned, seen as a bin of free GPUs of one type and tier. */
export interface Bin {
  /** Unique within its set; ties between equally good bins go to the smallest id. */
  readonly id: string;
  readonly gpuType: string;
  readonly tier: Tier;
  /** Free GPUs; changed only through BinSet.take. */
  readonly free: number;
}

interface Group<B extends Bin> {
  gpuType: string;
  tier: Tier;
  /** buckets[f] holds the bins with f free GPUs, sorted by id. */
  buckets: B[][];
  size: number;
}

type Mutable<B> = { -readonly [K in keyof B]: B[K] };

/**
 * Bins grouped by GPU type and tier and bucketed by free GPUs, so best fit costs a few bucket looks
 * rather than a scan of every node (20 cells x 500 nodes is a lot of scans per replica).
 *
 * Best fit takes the bin whose free GPUs after the request would be smallest. Worked example, h100
 * bins a (8 free), b (3 free), c (2 free):
 *
 *   request 2 -> c (leaves 0)      request 3 -> b (leaves 0)      request 4 -> a (leaves 4)
 *
 * Taking c for the 2 rather than a keeps a whole for an 8-GPU replica. Ties go to the earlier tier
 * in the caller's preference list, then to the smallest id.
 */
export class BinSet<B extends Bin> {
  private readonly groups = new Map<string, Group<B>>();
  private readonly ids = new Set<string>();

  /** Adds a bin; throws if its id is already in the set (ids are how bins are found again). */
  add(bin: B): void {
    if (this.ids.has(bin.id)) throw new Error(`bin ${bin.id} is already in the set`);
    this.ids.add(bin.id);
    const key = `${bin.gpuType}\u0000${bin.tier}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { gpuType: bin.gpuType, tier: bin.tier, buckets: [], size: 0 };
      this.groups.set(key, group);
    }
    insertSorted(bucketOf(group, bin.free), bin);
    group.size += 1;
  }

  /** Number of bins. */
  get size(): number {
    return this.ids.size;
  }

  /** Every bin, in no particular order. */
  *[Symbol.iterator](): IterableIterator<B> {
    for (const group of this.groups.values()) {
      for (const bucket of group.buckets) if (bucket) yield* bucket;
    }
  }

  /**
   * Finds the best-fitting bin for `gpus` GPUs of `gpuType` (`''` = any type) on one of `tiers`
   * (in order of preference), or undefined when no bin has room.
   */
  bestFit(gpus: number, gpuType: string, tiers: readonly Tier[]): B | undefined {
    let best: B | undefined;
    let bestTier = 0;
    for (const group of this.matching(gpuType, tiers)) {
      const tierIndex = tiers.indexOf(group.tier);
      for (let free = Math.max(0, gpus); free < group.buckets.length; free += 1) {
        const candidate = group.buckets[free]?.[0];
        if (!candidate) continue;
        if (!best || better(candidate, tierIndex, best, bestTier)) {
          best = candidate;
          bestTier = tierIndex;
        }
        break;
      }
    }
    return best;
  }

  /** Takes `gpus` GPUs from a bin of this set. */
  take(bin: B, gpus: number): void {
    if (gpus > bin.free) throw new Error(`bin ${bin.id} has ${bin.free} free GPUs, cannot take ${gpus}`);
    const group = this.groups.get(`${bin.gpuType}\u0000${bin.tier}`);
    const bucket = group?.buckets[bin.free];
    const at = bucket ? bucket.indexOf(bin) : -1;
    if (!group || !bucket || at === -1) throw new Error(`bin ${bin.id} is not in the set`);
    bucket.splice(at, 1);
    (bin as Mutable<B>).free = bin.free - gpus;
    insertSorted(bucketOf(group, bin.free), bin);
  }

  /** Tells whether any bin of `gpuType` (`''` = any) on one of `tiers` exists, full or not. */
  has(gpuType: string, tiers: readonly Tier[]): boolean {
    return this.matching(gpuType, tiers).some((group) => group.size > 0);
  }

  /** The most free GPUs on any one bin of `gpuType` on `tiers`; 0 when there is none. */
  largestFree(gpuType: string, tiers: readonly Tier[]): number {
    let largest = 0;
    for (const group of this.matching(gpuType, tiers)) {
      for (let free = group.buckets.length - 1; free > largest; free -= 1) {
        if (group.buckets[free]?.length) {
          largest = free;
          break;
        }
      }
    }
    return largest;
  }

  private matching(gpuType: string, tiers: readonly Tier[]): Group<B>[] {
    return [...this.groups.values()].filter((group) => (gpuType === '' || group.gpuType === gpuType) && tiers.includes(group.tier));
  }
}

function bucketOf<B extends Bin>(group: Group<B>, free: number): B[] {
  while (group.buckets.length <= free) group.buckets.push([]);
  return group.buckets[free]!;
}

function insertSorted<B extends Bin>(bucket: B[], bin: B): void {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareText(bucket[mid]!.id, bin.id) < 0) low = mid + 1;
    else high = mid;
  }
  bucket.splice(low, 0, bin);
}

function better<B extends Bin>(a: B, aTier: number, b: B, bTier: number): boolean {
  return (a.free - b.free || aTier - bTier || compareText(a.id, b.id) || compareText(a.gpuType, b.gpuType)) < 0;
}
