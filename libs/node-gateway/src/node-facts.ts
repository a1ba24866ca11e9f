import { Node, NodePhase, Tier, type Condition, type Gpu, type NodeFacts, type NodeStatus } from '@helios/api';
import { preemptedNodeStatus } from '@helios/replica-lifecycle';
import { LIMITS, validateEnum, validateInt, validateName, validateString, type FieldError } from '@helios/validation';

/** The label every Node carries with its pool, so selectors need not decode specs. */
export const POOL_LABEL = 'helios.io/pool';

/** How long a node's lease lives without a keep-alive: the control plane's bounds and default. */
export interface LeaseTtlBounds {
  /** Used when the node asks for 0. */
  defaultSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

// A node reports at most this many conditions; more is a bug or an attack, not a host.
const MAX_CONDITIONS = 32;

/**
 * Checks what a host says about itself; paths start at `node` (`node.gpus[2].index`). The name
 * and pool become etcd key segments and labels, so both must be DNS labels.
 */
export function validateNodeFacts(facts: NodeFacts | undefined, path = 'node'): FieldError[] {
  if (!facts) return [{ path, message: 'is required' }];
  return [
    ...validateName(`${path}.name`, facts.name),
    ...validateName(`${path}.pool`, facts.pool, false),
    ...validateEnum(`${path}.tier`, facts.tier, Tier, false),
    ...validateString(`${path}.gpuType`, facts.gpuType, LIMITS.shortString, facts.gpus.length > 0),
    ...validateGpus(`${path}.gpus`, facts.gpus),
    ...validateString(`${path}.providerId`, facts.providerId, LIMITS.shortString),
    ...validateString(`${path}.zone`, facts.zone, LIMITS.shortString),
    ...validateString(`${path}.address`, facts.address, LIMITS.shortString),
    ...validateInt(`${path}.leaseTtlSeconds`, facts.leaseTtlSeconds, 0, 3_600),
  ];
}

/** Checks the status fields a node reports about itself (`nodeStatus.gpus[0].index`, ...). */
export function validateReportedNodeStatus(status: NodeStatus, path = 'nodeStatus'): FieldError[] {
  const errors = [
    ...validateGpus(`${path}.gpus`, status.gpus),
    ...validateInt(`${path}.allocatableGpus`, status.allocatableGpus, 0, status.gpus.length),
    ...validateString(`${path}.address`, status.address, LIMITS.shortString),
  ];
  if (status.preemptionTime !== undefined && Number.isNaN(Date.parse(status.preemptionTime))) errors.push({ path: `${path}.preemptionTime`, message: `not a time: ${status.preemptionTime}` });
  if (status.conditions.length > MAX_CONDITIONS) errors.push({ path: `${path}.conditions`, message: `at most ${MAX_CONDITIONS}, got ${status.conditions.length}` });
  status.conditions.forEach((condition, i) => errors.push(...validateString(`${path}.conditions[${i}].type`, condition.type, LIMITS.shortString, true)));
  return errors;
}

/** GPUs: at most 16, each index in 0-15 and given once. */
function validateGpus(path: string, gpus: readonly Gpu[]): FieldError[] {
  if (gpus.length > LIMITS.gpusPerNode) return [{ path, message: `at most ${LIMITS.gpusPerNode} GPUs, got ${gpus.length}` }];
  const errors: FieldError[] = [];
  const seen = new Set<number>();
  gpus.forEach((gpu, i) => {
    const at = `${path}[${i}]`;
    const indexErrors = validateInt(`${at}.index`, gpu.index, 0, LIMITS.gpusPerNode - 1);
    if (indexErrors.length === 0 && seen.has(gpu.index)) indexErrors.push({ path: `${at}.index`, message: `GPU ${gpu.index} is listed twice` });
    seen.add(gpu.index);
    errors.push(...indexErrors, ...validateString(`${at}.uuid`, gpu.uuid, LIMITS.shortString), ...validateString(`${at}.model`, gpu.model, LIMITS.shortString));
  });
  return errors;
}

/**
 * The lease TTL a node gets: what it asked for within the bounds, the default for 0.
 * Example with bounds 2-60, default 5: 0 -> 5, 1 -> 2, 10 -> 10, 600 -> 60.
 */
export function leaseTtlFor(requested: number, bounds: LeaseTtlBounds): number {
  if (requested <= 0) return bounds.defaultSeconds;
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, Math.floor(requested)));
}

/** What a registration writes besides the facts. */
export interface RegistrationContext {
  cell: string;
  leaseId: string;
  /** ISO time of the registration. */
  now: string;
  /** uid of a Node created by this registration. */
  newUid: string;
}

/**
 * The Node as a registration writes it: the host's facts, Ready on its new lease, keeping what
 * others own: cordon and other spec fields, conditions, labels and annotations, and Draining
 * (decided by the cell agent for a preemption or a scale-down: a node registering again must
 * not undo it). Any other phase (NotReady after a lost lease) is set back to Ready.
 */
export function registeredNode(current: Node | undefined, facts: NodeFacts, context: RegistrationContext): Node {
  const meta = current?.metadata;
  const now = context.now;
  const phase = current?.status?.phase === NodePhase.NODE_PHASE_DRAINING ? NodePhase.NODE_PHASE_DRAINING : NodePhase.NODE_PHASE_READY;
  return Node.fromPartial({
    metadata: {
      name: facts.name,
      uid: meta?.uid || context.newUid,
      generation: meta?.generation || 1,
      resourceVersion: meta?.resourceVersion ?? 0,
      createdAt: meta?.createdAt ?? now,
      labels: { ...meta?.labels, [POOL_LABEL]: facts.pool },
      annotations: { ...meta?.annotations },
    },
    spec: {
      ...current?.spec,
      cell: context.cell,
      pool: facts.pool,
      tier: facts.tier,
      providerId: facts.providerId || facts.name,
      gpuType: facts.gpuType,
      gpus: facts.gpus.length,
      zone: facts.zone,
    },
    status: {
      ...current?.status,
      phase,
      gpus: facts.gpus,
      allocatableGpus: facts.gpus.filter((gpu) => gpu.healthy).length,
      address: facts.address,
      reason: phase === NodePhase.NODE_PHASE_READY ? '' : (current?.status?.reason ?? ''),
      lastTransitionTime: current?.status?.phase === phase ? (current.status.lastTransitionTime ?? now) : now,
      leaseId: context.leaseId,
    },
  });
}

/**
 * The Node with the status fields a node owns replaced by its report (GPUs, allocatable GPUs,
 * address, conditions), or undefined when they already read so. Phase, reason and lease id stay:
 * they belong to registration, the lifecycle controller and the cell agent. The one exception is
 * the cloud's preemption notice, which only the host sees (its metadata service): a reported
 * preemptionTime marks the Node Draining, reason Preempted (`preemptedNodeStatus`), once.
 */
export function withReportedStatus(current: Node, reported: NodeStatus, now = new Date()): Node | undefined {
  const status = current.status;
  const preempted = reported.preemptionTime ? preemptedNodeStatus(status, reported.preemptionTime, now.toISOString()) : undefined;
  if (
    !preempted &&
    status &&
    status.allocatableGpus === reported.allocatableGpus &&
    status.address === reported.address &&
    sameGpus(status.gpus, reported.gpus) &&
    sameConditions(status.conditions, reported.conditions)
  ) {
    return undefined;
  }
  return Node.fromPartial({
    ...current,
    status: { ...(preempted ?? status), gpus: reported.gpus, allocatableGpus: reported.allocatableGpus, address: reported.address, conditions: reported.conditions },
  });
}

function sameGpus(a: readonly Gpu[], b: readonly Gpu[]): boolean {
  return a.length === b.length && a.every((gpu, i) => {
    const other = b[i]!;
    return gpu.index === other.index && gpu.uuid === other.uuid && gpu.model === other.model && gpu.memoryMib === other.memoryMib && gpu.healthy === other.healthy;
  });
}

function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  return a.length === b.length && a.every((c, i) => {
    const other = b[i]!;
    return c.type === other.type && c.status === other.status && c.reason === other.reason && c.message === other.message && c.lastTransitionTime === other.lastTransitionTime;
  });
}
