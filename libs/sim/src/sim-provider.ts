import { randomBytes } from 'node:crypto';
import {
  ProviderError,
  checkLaunchRequest,
  type CloudProvider,
  type Instance,
  type LaunchRequest,
  type LaunchRules,
  type PoolTemplate,
  type PreemptionNotice,
} from '@helios/provider';

/**
 * What the sim adds to the port's launch check: EC2's ClientToken length (at most 64 characters),
 * so a token too long for AWS fails here too. Templates are taken as they come: the sim launches
 * pools without a zone, instance type or reservation.
 */
const SIM_LAUNCH_RULES: LaunchRules = {
  token: (token) => (token.length > 64 ? `token must be at most 64 characters, got ${token.length}` : undefined),
};

/** The CloudProvider methods the sim records and can be told to fail. */
export type SimMethod = 'launch' | 'terminate' | 'list';

/** One recorded call to the sim, in call order, including calls that were made to fail. */
export type SimCall =
  | { method: 'launch'; request: LaunchRequest }
  | { method: 'terminate'; instanceIds: string[] }
  | { method: 'list'; cell: string; pool?: string };

/**
 * Which launches a capacity limit applies to; every field given must match the pool template.
 * `{ cell: 'c1', pool: 'h100' }` limits one pool, `{ instanceType: 'p5.48xlarge', zone: 'us-east-1a' }`
 * limits one instance type in one zone across pools, `{}` limits the whole sim cloud.
 */
export interface CapacityScope {
  cell?: string;
  pool?: string;
  instanceType?: string;
  zone?: string;
}

/** An instance changing state, with the template it was launched from (so a node agent can boot on it). */
export interface SimInstanceEvent {
  instance: Instance;
  template: PoolTemplate;
}

/** Options of the sim cloud; defaults come from `simProviderDefaults`. */
export interface SimProviderOptions {
  /** Time from launch (pending) to running, in ms. Default 200; use 0 in tests. */
  launchLatencyMs?: number;
  /** Clock for launch times and preemption deadlines. */
  now?: () => Date;
  /** Prefix of instance ids; default `sim-<6 random hex>-` so two sims in one process never share ids. */
  idPrefix?: string;
  /** Where errors thrown by event listeners go; default stderr. A listener never fails a cloud call. */
  onListenerError?: (err: unknown, what: string) => void;
}

type Listener<T> = (event: T) => void | Promise<void>;

interface SimRecord {
  instance: Instance;
  template: PoolTemplate;
  timer?: NodeJS.Timeout;
}

interface TokenRecord {
  fingerprint: string;
  ids: string[];
}

/** Applies the defaults of SimProviderOptions. */
export function simProviderDefaults(options: SimProviderOptions = {}): Required<SimProviderOptions> {
  return {
    launchLatencyMs: options.launchLatencyMs ?? 200,
    now: options.now ?? (() => new Date()),
    idPrefix: options.idPrefix ?? `sim-${randomBytes(3).toString('hex')}-`,
    onListenerError:
      options.onListenerError ??
      ((err, what) => process.stderr.write(`sim provider: ${what} listener failed: ${err instanceof Error ? err.message : String(err)}\n`)),
  };
}

/**
 * An in-process fake cloud implementing the CloudProvider port, for tests and the local fleet.
 *
 * It behaves like the clouds where it matters to a reconciler: launches are idempotent by token
 * (the same token returns the same instances, a changed request with it fails like EC2's
 * IdempotentParameterMismatch), instances start `pending` and turn `running` after a launch
 * latency, capacity runs out (InsufficientCapacity), and preemptible capacity is taken back after
 * a notice. Tests steer it with `failNext`, `setCapacity` and `preempt`, and read `calls`.
 * `onInstanceRunning` / `onInstanceTerminated` let a booted instance run a node agent.
 */
export class SimProvider implements CloudProvider {
  readonly name = 'sim';
  private readonly options: Required<SimProviderOptions>;
  private readonly records = new Map<string, SimRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly failures = new Map<SimMethod, ProviderError[]>();
  private readonly limits: { scope: CapacityScope; limit: number }[] = [];
  private readonly recorded: SimCall[] = [];
  private readonly runningListeners = new Set<Listener<SimInstanceEvent>>();
  private readonly terminatedListeners = new Set<Listener<SimInstanceEvent>>();
  private readonly noticeListeners = new Set<Listener<PreemptionNotice>>();
  private readonly preemptionTimers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  private seq = 0;
  private closed = false;

  constructor(options: SimProviderOptions = {}) {
    this.options = simProviderDefaults(options);
  }

  /** Every call made so far, oldest first. */
  get calls(): readonly SimCall[] {
    return this.recorded;
  }

  /** Forgets the recorded calls. */
  clearCalls(): void {
    this.recorded.length = 0;
  }

  /** Makes the next call of `method` reject with `error` (queued: n calls fail n times). */
  failNext(method: SimMethod, error: ProviderError): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }

  /**
   * Limits how many live instances may match `scope`; `undefined` removes the limit.
   * A launch that would pass any matching limit fails whole with InsufficientCapacity, as an
   * EC2 RunInstances with MinCount = MaxCount does.
   */
  setCapacity(scope: CapacityScope, limit: number | undefined): void {
    const at = this.limits.findIndex((l) => sameScope(l.scope, scope));
    if (at >= 0) this.limits.splice(at, 1);
    if (limit !== undefined) this.limits.push({ scope: { ...scope }, limit });
  }

  /** Calls `cb` when an instance turns running; returns the unsubscribe function. */
  onInstanceRunning(cb: Listener<SimInstanceEvent>): () => void {
    this.runningListeners.add(cb);
    return () => this.runningListeners.delete(cb);
  }

  /** Calls `cb` when an instance is terminated (by terminate or by preemption); returns the unsubscribe function. */
  onInstanceTerminated(cb: Listener<SimInstanceEvent>): () => void {
    this.terminatedListeners.add(cb);
    return () => this.terminatedListeners.delete(cb);
  }

  /** Calls `cb` when the cloud announces a preemption; returns the unsubscribe function. */
  onPreemptionNotice(cb: Listener<PreemptionNotice>): () => void {
    this.noticeListeners.add(cb);
    return () => this.noticeListeners.delete(cb);
  }

  async launch(request: LaunchRequest): Promise<Instance[]> {
    this.recorded.push({ method: 'launch', request: structuredClone(request) });
    this.throwIfFailing('launch');
    const { template, count, token, nodeNames } = request;
    const fingerprint = JSON.stringify({ template, count, nodeNames });
    const known = this.tokens.get(token);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        throw new ProviderError('InvalidConfiguration', `launch token ${token} was already used with different parameters (IdempotentParameterMismatch)`);
      }
      return known.ids.map((id) => ({ ...this.records.get(id)!.instance }));
    }
    checkLaunchRequest(request, SIM_LAUNCH_RULES);
    this.checkCapacity(template, count);

    const launchedAt = this.options.now();
    const ids: string[] = [];
    for (const node of nodeNames) {
      const id = `${this.options.idPrefix}${(++this.seq).toString(16).padStart(8, '0')}`;
      const instance: Instance = { id, cell: template.cell, pool: template.pool, node, tier: template.tier, state: 'pending', zone: template.zone, launchedAt, token };
      const record: SimRecord = { instance, template: { ...template } };
      this.records.set(id, record);
      this.scheduleRunning(record);
      ids.push(id);
    }
    this.tokens.set(token, { fingerprint, ids });
    return ids.map((id) => ({ ...this.records.get(id)!.instance }));
  }

  async terminate(instanceIds: string[]): Promise<void> {
    this.recorded.push({ method: 'terminate', instanceIds: [...instanceIds] });
    this.throwIfFailing('terminate');
    for (const id of instanceIds) this.terminateOne(id);
  }

  async list(cell: string, pool?: string): Promise<Instance[]> {
    this.recorded.push(pool === undefined ? { method: 'list', cell } : { method: 'list', cell, pool });
    this.throwIfFailing('list');
    return [...this.records.values()]
      .map((r) => r.instance)
      .filter((i) => i.state !== 'terminated' && i.cell === cell && (pool === undefined || i.pool === pool))
      .map((i) => ({ ...i }));
  }

  /**
   * Takes an instance back as a spot market would: announces a PreemptionNotice now and
   * terminates the instance `noticeMs` later. Rejects with NotFound for an unknown or
   * terminated instance. Any tier can be preempted: the sim is a test driver, not a market.
   */
  preempt(instanceId: string, noticeMs: number): PreemptionNotice {
    const record = this.records.get(instanceId);
    if (!record || record.instance.state === 'terminated') throw new ProviderError('NotFound', `instance ${instanceId} is not live`);
    const notice: PreemptionNotice = { instanceId, node: record.instance.node, deadline: new Date(this.options.now().getTime() + noticeMs) };
    this.emit(this.noticeListeners, notice, 'preemption notice');
    const timer = setTimeout(() => {
      this.preemptionTimers.delete(timer);
      this.terminateOne(instanceId);
    }, noticeMs);
    this.preemptionTimers.add(timer);
    return notice;
  }

  /** The instance with that id in any state, terminated included; undefined when never launched. */
  describe(instanceId: string): Instance | undefined {
    const record = this.records.get(instanceId);
    return record && { ...record.instance };
  }

  /** Resolves once no launch is still pending and every listener that was called has settled. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || [...this.records.values()].some((r) => r.timer)) {
      if (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Cancels pending launches and preemptions; the sim stops changing on its own. */
  close(): void {
    this.closed = true;
    for (const record of this.records.values()) {
      clearTimeout(record.timer);
      record.timer = undefined;
    }
    for (const timer of this.preemptionTimers) clearTimeout(timer);
    this.preemptionTimers.clear();
  }

  private scheduleRunning(record: SimRecord): void {
    if (this.closed) return;
    record.timer = setTimeout(() => {
      record.timer = undefined;
      if (record.instance.state !== 'pending') return;
      record.instance.state = 'running';
      this.emit(this.runningListeners, { instance: { ...record.instance }, template: record.template }, 'instance running');
    }, this.options.launchLatencyMs);
  }

  private terminateOne(id: string): void {
    const record = this.records.get(id);
    // Unknown and already-terminated ids are not an error: terminate is idempotent per the port.
    if (!record || record.instance.state === 'terminated') return;
    clearTimeout(record.timer);
    record.timer = undefined;
    record.instance.state = 'terminated';
    this.emit(this.terminatedListeners, { instance: { ...record.instance }, template: record.template }, 'instance terminated');
  }

  private checkCapacity(template: PoolTemplate, count: number): void {
    for (const { scope, limit } of this.limits) {
      if (!scopeMatches(scope, template)) continue;
      const used = [...this.records.values()].filter((r) => r.instance.state !== 'terminated' && scopeMatches(scope, r.template)).length;
      if (used + count > limit) {
        throw new ProviderError(
          'InsufficientCapacity',
          `no capacity for ${count} x ${template.instanceType} in ${template.zone} for pool ${template.pool}: ${used} of ${limit} in use (${describeScope(scope)})`,
        );
      }
    }
  }

  private throwIfFailing(method: SimMethod): void {
    const error = this.failures.get(method)?.shift();
    if (error) throw error;
  }

  private emit<T>(listeners: Set<Listener<T>>, event: T, what: string): void {
    for (const listener of listeners) {
      let result: void | Promise<void>;
      try {
        result = listener(event);
      } catch (err) {
        this.options.onListenerError(err, what);
        continue;
      }
      if (result instanceof Promise) {
        const tracked: Promise<void> = result.catch((err: unknown) => this.options.onListenerError(err, what)).finally(() => this.inflight.delete(tracked));
        this.inflight.add(tracked);
      }
    }
  }
}

function scopeMatches(scope: CapacityScope, template: PoolTemplate): boolean {
  return (
    (scope.cell === undefined || scope.cell === template.cell) &&
    (scope.pool === undefined || scope.pool === template.pool) &&
    (scope.instanceType === undefined || scope.instanceType === template.instanceType) &&
    (scope.zone === undefined || scope.zone === template.zone)
  );
}

function sameScope(a: CapacityScope, b: CapacityScope): boolean {
  return a.cell === b.cell && a.pool === b.pool && a.instanceType === b.instanceType && a.zone === b.zone;
}

function describeScope(scope: CapacityScope): string {
  const parts = Object.entries(scope).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : 'whole cloud';
}
