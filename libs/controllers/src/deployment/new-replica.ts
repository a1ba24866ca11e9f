import { Replica, ReplicaPhase, type Deployment } from '@helios/api';
import { DEPLOYMENT_LABEL, DEPLOYMENT_UID_ANNOTATION, TEMPLATE_HASH_LABEL, type ReplicaCreation } from '@helios/rollout';

/** Facts a new replica gets from the controller rather than from the deployment. */
export interface NewReplicaFacts {
  name: string;
  uid: string;
  /** RFC 3339 time of creation. */
  now: string;
}

/**
 * A Pending replica of a deployment's revision: spec.deployment, revision and template copied
 * (the node agent runs the template it was created with, whatever the deployment says later),
 * labels `deployment` and the template hash, and the deployment's uid for garbage collection.
 * Cell placement and the cell agent fill in cell, tier and node.
 */
export function newReplica(deployment: Deployment, creation: ReplicaCreation, facts: NewReplicaFacts): Replica {
  const name = deployment.metadata?.name ?? '';
  return Replica.fromPartial({
    metadata: {
      name: facts.name,
      uid: facts.uid,
      generation: 1,
      labels: { [DEPLOYMENT_LABEL]: name, [TEMPLATE_HASH_LABEL]: creation.templateHash },
      annotations: { [DEPLOYMENT_UID_ANNOTATION]: deployment.metadata?.uid ?? '' },
      createdAt: facts.now,
    },
    spec: { deployment: name, revision: creation.revision, template: creation.template },
    status: { phase: ReplicaPhase.REPLICA_PHASE_PENDING },
  });
}
