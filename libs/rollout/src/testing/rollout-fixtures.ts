import { Deployment, DeploymentStatus, Replica, ReplicaPhase, type ReplicaTemplate, type RolloutStrategy } from '@helios/api';
import { resolveRevision } from '../revision-history';
import { DEPLOYMENT_LABEL, TEMPLATE_HASH_LABEL } from '../replica-facts';
import { templateHash } from '../template-hash';

/** Time zero of the tests: 2025-01-01T00:00:00Z, in ms. */
export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** ISO time `seconds` after T0. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** A template distinguished by its version string. */
export const template = (version: string): ReplicaTemplate => ({
  command: ['model-server', `--version=${version}`],
  image: '',
  port: 0,
  gpus: 1,
  gpuType: 'h100',
  readinessProbe: undefined,
  env: {},
  annotations: {},
});

/** A deployment of `replicas` running `version`, with its revision resolved at T0. */
export function deployment(version: string, replicas: number, strategy: Partial<RolloutStrategy> = {}, extra: Partial<Deployment['spec']> = {}): Deployment {
  const d = Deployment.fromPartial({
    metadata: { name: 'web', uid: 'uid-web', generation: 1 },
    spec: { replicas, template: template(version), strategy, ...extra },
  });
  return { ...d, status: resolveRevision(d, at(0)) ?? DeploymentStatus.fromPartial({}) };
}

/** The deployment with a new template (generation + 1) and its revision resolved at `now`. */
export function changeTemplate(d: Deployment, version: string, now = at(0)): Deployment {
  const next = Deployment.fromPartial({ ...d, metadata: { ...d.metadata, generation: (d.metadata?.generation ?? 0) + 1 }, spec: { ...d.spec, template: template(version) } });
  return { ...next, status: resolveRevision(next, now) ?? next.status };
}

let serial = 0;

/** A replica of `version` at revision `revision` in a phase; Ready ones became ready at `readySeconds`. */
export function replica(
  version: string,
  revision: number,
  phase: ReplicaPhase,
  options: { name?: string; node?: string; readySeconds?: number; restarts?: number; reason?: string; deletionTime?: string } = {},
): Replica {
  const name = options.name ?? `web-${revision}-${(serial++).toString(36).padStart(5, '0')}`;
  const t = template(version);
  return Replica.fromPartial({
    metadata: { name, labels: { [DEPLOYMENT_LABEL]: 'web', [TEMPLATE_HASH_LABEL]: templateHash(t) }, deletionTime: options.deletionTime },
    spec: { deployment: 'web', revision, template: t, cell: options.node === '' ? '' : 'c1', node: options.node ?? `n-${name}` },
    status: {
      phase,
      restarts: options.restarts ?? 0,
      reason: options.reason ?? '',
      readyTime: phase === ReplicaPhase.REPLICA_PHASE_READY ? at(options.readySeconds ?? 0) : undefined,
    },
  });
}

/** `count` Ready replicas of `version`, ready since T0. */
export function readyReplicas(version: string, revision: number, count: number): Replica[] {
  return Array.from({ length: count }, () => replica(version, revision, ReplicaPhase.REPLICA_PHASE_READY));
}

/** Names of replicas, for compact assertions. */
export const names = (replicas: readonly Replica[]): string[] => replicas.map((r) => r.metadata!.name);
