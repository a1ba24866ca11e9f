import { Deployment, DeploymentStatus, metaOf, type LoadReport } from '@helios/api';
import {
  decideScale,
  EMPTY_SCALER_STATE,
  metricName,
  nextScalingStatus,
  observeLoad,
  resolveAutoscalingPolicy,
  type ScalerState,
} from '@helios/autoscaling';
import { systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { isLive, isReady } from '@helios/replica-lifecycle';
import { BY_DEPLOYMENT, decodeLoadReport, isConflict, isNotFound, type Informer, type KeyEntry, type KeyInformer } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { resolveAutoscalerSettings, type AutoscalerSettings } from './autoscaler-settings';
import { AutoscalerMetrics } from './autoscaler-metrics';

// Every autoscaled deployment is looked at this often even without a tick (a guard against a lost requeue).
const RESYNC_MS = 60_000;

/** What one term remembers of a deployment: its windows, and the metric names its series carry. */
interface Memory {
  state: ScalerState;
  metrics: string[];
}

/**
 * Keeps every autoscaled Deployment's spec.replicas where its load says (docs/architecture.md,
 * autoscaling). While spec.autoscaling is set the autoscaler owns spec.replicas within min and
 * max, as the Kubernetes HPA owns a scale subresource: Apply keeps the stored count and Scale is
 * refused. Each reconcile of a deployment, every tick (--autoscaler-tick-ms):
 * 1. reads the deployment, its live replicas (Ready or on their way) and the load reports under
 *    load/<deployment>/ from the shared caches;
 * 2. sums the reports into one observation (observeLoad) and decides with the term's windows
 *    (decideScale), the last RequestReplicas being one more recommendation;
 * 3. when the count, the desired count or the panic flag changes, writes spec.replicas (generation
 *    + 1 when the count changes, so the deployment controller acts on it) and status.autoscaling
 *    with the decision, in one fenced compare-and-swap.
 * The windows live in the term's memory: a new leader starts with empty windows, which delays a
 * scale-down (a whole stabilization window must be observed first) but never causes one. A load
 * report on a deployment at zero wakes it at once (0 -> 1 does not wait for the tick).
 */
export class AutoscalerController implements ManagedController {
  readonly name = 'autoscaler';
  readonly workers = 2;
  private readonly clock: Clock;
  private readonly metrics: AutoscalerMetrics;
  private readonly settings: AutoscalerSettings;
  private readonly memory = new Map<string, Memory>();
  private readonly decoded = new WeakMap<KeyEntry, LoadReport | null>();
  private deployments: Informer<'deployment'> | undefined;
  private replicas: Informer<'replica'> | undefined;
  private loads: KeyInformer | undefined;

  constructor(
    private readonly deps: ControllerDeps,
    settings: Partial<AutoscalerSettings> = deps.autoscaler ?? {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.metrics = new AutoscalerMetrics(deps.metrics.registry);
    this.settings = resolveAutoscalerSettings(settings);
  }

  setup(term: ControllerTerm): void {
    const deployments = term.informers.informer('deployment');
    const replicas = term.informers.informer('replica');
    const loads = term.informers.keyInformer(this.deps.keys.loads());
    term.watch(deployments, (event) => (event.object.spec?.autoscaling || event.previous?.spec?.autoscaling ? metaOf(event.object).name : undefined));
    term.watch(loads, (event) => {
      const deployment = this.deploymentOfReport(event.key);
      return deployment && deployments.get(deployment)?.spec?.replicas === 0 ? deployment : undefined;
    });
    term.resync(() => deployments.list().filter((d) => d.spec?.autoscaling).map((d) => metaOf(d).name), RESYNC_MS);
    this.deployments = deployments;
    this.replicas = replicas;
    this.loads = loads;
    term.onStop(() => {
      this.deployments = undefined;
      this.replicas = undefined;
      this.loads = undefined;
      for (const [name, memory] of this.memory) this.metrics.forget(name, memory.metrics);
      this.memory.clear();
    });
  }

  async reconcile(name: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { deployments, replicas, loads } = this;
    if (!deployments || !replicas || !loads) return;
    const deployment = deployments.get(name);
    const autoscaling = deployment?.spec?.autoscaling;
    if (!deployment || !autoscaling) {
      const memory = this.memory.get(name);
      if (memory) this.metrics.forget(name, memory.metrics);
      this.memory.delete(name);
      return;
    }
    const now = this.clock.now();
    const policy = resolveAutoscalingPolicy(autoscaling);
    const views = replicas
      .byIndex(BY_DEPLOYMENT, name)
      .filter(isLive)
      .map((r) => ({ name: metaOf(r).name, ready: isReady(r) }));
    const ready = views.filter((v) => v.ready).length;
    const current = deployment.spec?.replicas ?? 0;
    const memory = this.memory.get(name);
    const decision = decideScale(policy, memory?.state ?? EMPTY_SCALER_STATE, {
      now,
      current,
      ready,
      observation: observeLoad(policy.metrics, this.reportsOf(loads, name), views),
      requested: deployment.status?.autoscaling?.request?.replicas,
    });
    const metricNames = policy.metrics.map(metricName);
    if (memory && memory.metrics.join() !== metricNames.join()) this.metrics.forget(name, memory.metrics);
    this.memory.set(name, { state: decision.state, metrics: metricNames });
    this.metrics.desired.set({ deployment: name }, decision.replicas);
    this.metrics.current.set({ deployment: name }, current);
    this.metrics.ready.set({ deployment: name }, ready);
    this.metrics.panic.set({ deployment: name }, decision.panic ? 1 : 0);
    metricNames.forEach((metric, i) => this.metrics.observed.set({ deployment: name, metric }, decision.observed[i] ?? 0));

    const tick = { requeueAfter: this.settings.autoscalerTickMs };
    const scaling = nextScalingStatus(deployment.status?.autoscaling, current, decision, new Date(now).toISOString());
    if (!scaling) return tick;
    const changed = decision.replicas !== current;
    const meta = metaOf(deployment);
    const next = Deployment.fromPartial({
      ...deployment,
      metadata: { ...meta, generation: meta.generation + (changed ? 1 : 0) },
      spec: { ...deployment.spec, replicas: decision.replicas },
      status: { ...DeploymentStatus.fromPartial(deployment.status ?? {}), autoscaling: scaling },
    });
    try {
      await this.deps.store.update('deployment', next, { fence: this.deps.fence(), onWritten: ctx.wrote });
    } catch (err) {
      // Someone changed the deployment since the cache saw it: its event brings us back, with a fresh decision.
      if (isConflict(err) || isNotFound(err)) return tick;
      throw new Error(`scaling deployment ${name} from ${current} to ${decision.replicas} replicas`, { cause: err });
    }
    if (changed) {
      this.metrics.decisions.inc({ deployment: name, reason: decision.reason });
      this.deps.logger.info({ controller: this.name, deployment: name, from: current, to: decision.replicas, reason: decision.reason, ready, panic: decision.panic }, decision.message);
    }
    return tick;
  }

  /** The deployment a key under load/ reports on. */
  private deploymentOfReport(key: string): string | undefined {
    const rest = key.slice(this.deps.keys.loads().length);
    const slash = rest.indexOf('/');
    return slash > 0 ? rest.slice(0, slash) : undefined;
  }

  /** The decoded reports on one deployment (each stored value decoded once; undecodable ones skipped). */
  private reportsOf(loads: KeyInformer, deployment: string): LoadReport[] {
    const prefix = this.deps.keys.loads(deployment);
    const reports: LoadReport[] = [];
    for (const entry of loads.list()) {
      if (!entry.key.startsWith(prefix)) continue;
      let report = this.decoded.get(entry);
      if (report === undefined) {
        report = decodeLoadReport(entry.value) ?? null;
        this.decoded.set(entry, report);
      }
      if (report && report.deployment === deployment) reports.push(report);
    }
    return reports;
  }
}
