import { ReplicaPhase, metaOf, type Node, type NodeFacts, type Replica, type ReplicaStatus, type ReplicaStatusReport } from '@helios/api';
import { isRetired } from '@helios/replica-lifecycle';
import type { NodeIdentity } from './node-credential';

/**
 * The node authorizer's rule (docs/architecture.md, the node API): a node reads and writes its
 * own Node and the replicas bound to it (spec.cell and spec.node), nothing else. Every denial
 * names the permission that is missing, and reads the same whether the object exists or not,
 * so a node cannot learn what exists elsewhere.
 */

/** `c1/n1`. */
export function nodeRef(identity: Pick<NodeIdentity, 'cell' | 'node'>): string {
  return `${identity.cell}/${identity.node}`;
}

/** True when the replica is bound to this node. */
export function isBoundToNode(replica: Replica | undefined, identity: Pick<NodeIdentity, 'cell' | 'node'>): replica is Replica {
  return replica !== undefined && replica.spec?.cell === identity.cell && replica.spec?.node === identity.node;
}

/**
 * Why a node may not act on a replica (`write the status of`, `delete`), or undefined when it
 * may: `node c1/n1 may not delete replica chat/chat-abc: it is not bound to this node`.
 */
export function replicaDenial(identity: NodeIdentity, verb: string, deployment: string, name: string, replica: Replica | undefined): string | undefined {
  if (isBoundToNode(replica, identity)) return undefined;
  return `node ${nodeRef(identity)} may not ${verb} replica ${deployment}/${name}: it is not bound to this node`;
}

/** Why a node may not keep a lease alive, or undefined when it is the node's current lease. */
export function leaseDenial(identity: NodeIdentity, leaseId: string, node: Node | undefined): string | undefined {
  if (leaseId !== '' && leaseId !== '0' && node?.status?.leaseId === leaseId) return undefined;
  return `node ${nodeRef(identity)} may not keep lease ${leaseId || '(none)'} alive: it is not this node's current lease (Register for a new one)`;
}

/** Why a node may not register with these facts: another name, or a pool its token did not allow. */
export function registrationDenial(identity: NodeIdentity, facts: NodeFacts): string | undefined {
  if (facts.name !== identity.node) return `node ${nodeRef(identity)} may not register as node ${facts.name}: its credential is for ${identity.node}`;
  if (identity.pool !== '' && facts.pool !== identity.pool) {
    return `node ${nodeRef(identity)} may not register in pool ${facts.pool || '(none)'}: its bootstrap token allowed pool ${identity.pool} only`;
  }
  return undefined;
}

/** What a status report does to one replica. */
export type ReplicaReportPlan =
  | { action: 'deny'; message: string }
  /** Not applied: another replica under the name, or retired meanwhile (retirement wins). */
  | { action: 'skip'; why: string }
  | { action: 'unchanged' }
  | { action: 'write'; next: Replica };

/**
 * Plans one replica's status report against the replica as stored (the node agent's write
 * rules, now enforced by the gateway):
 * - not bound to this node (or absent) -> deny;
 * - another uid (deleted and created again under the name) -> skip;
 * - retired (deletionTime set): only a report of phase Terminating is applied, so a readiness
 *   probe passing at the moment of retirement never publishes the replica again; anything else
 *   -> skip;
 * - the same status -> unchanged; otherwise write the reported status.
 */
export function planReplicaReport(identity: NodeIdentity, report: ReplicaStatusReport, current: Replica | undefined): ReplicaReportPlan {
  const denial = replicaDenial(identity, 'write the status of', report.deployment, report.name, current);
  if (denial || !current) return { action: 'deny', message: denial ?? '' };
  if (metaOf(current).uid !== report.uid) return { action: 'skip', why: 'another replica under this name' };
  const status = report.status;
  if (!status) return { action: 'unchanged' };
  if (isRetired(current) && status.phase !== ReplicaPhase.REPLICA_PHASE_TERMINATING) return { action: 'skip', why: 'retired' };
  if (sameReplicaStatus(current.status, status)) return { action: 'unchanged' };
  return { action: 'write', next: { ...current, status } };
}

function sameReplicaStatus(a: ReplicaStatus | undefined, b: ReplicaStatus): boolean {
  if (!a) return false;
  return (
    a.phase === b.phase &&
    a.endpoint === b.endpoint &&
    a.restarts === b.restarts &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.readyTime === b.readyTime &&
    JSON.stringify(a.conditions) === JSON.stringify(b.conditions)
  );
}

/** What ReleaseReplica does: delete the replica at its version, or nothing (not retired, or another uid). */
export type ReleasePlan = { action: 'deny'; message: string } | { action: 'keep'; why: string } | { action: 'delete'; resourceVersion: number };

/** Plans a release: only a retired replica, the same uid, bound to this node, is deleted. */
export function planRelease(identity: NodeIdentity, deployment: string, name: string, uid: string, current: Replica | undefined): ReleasePlan {
  const denial = replicaDenial(identity, 'delete', deployment, name, current);
  if (denial || !current) return { action: 'deny', message: denial ?? '' };
  if (metaOf(current).uid !== uid) return { action: 'keep', why: 'another replica under this name' };
  if (!isRetired(current)) return { action: 'keep', why: 'not retired' };
  return { action: 'delete', resourceVersion: metaOf(current).resourceVersion };
}
