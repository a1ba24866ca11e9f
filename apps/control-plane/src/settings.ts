import { hostname } from 'node:os';
import type { Resolved } from '@helios/config';
import { AUTOSCALER_SETTINGS, CAPACITY_SETTINGS, FAILURE_SETTINGS } from '@helios/controllers';

/** Every setting of the control plane: flag, environment variable, default and one line of doc. */
export const CONTROL_PLANE_SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd client URLs, comma-separated' },
  grpcAddr: { flag: 'grpc-addr', env: 'HELIOS_GRPC_ADDR', default: '127.0.0.1:50051', doc: 'host:port of the gRPC API: OperatorService and the NodeService nodes join through (port 0 picks a free one)' },
  metricsAddr: { flag: 'metrics-addr', env: 'HELIOS_METRICS_ADDR', default: '127.0.0.1:9464', doc: 'host:port serving GET /metrics and GET /healthz' },
  id: { flag: 'id', env: 'HELIOS_ID', default: `${hostname()}-${process.pid}`, doc: 'id of this replica in leader election' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, min: 1, doc: 'TTL in seconds of the leader lease: how soon a standby takes over' },
  root: { flag: 'root', env: 'HELIOS_ETCD_ROOT', default: '/helios/v1', doc: 'etcd key root of all Helios keys' },
  watchBufferBytes: {
    flag: 'watch-buffer-bytes',
    env: 'HELIOS_WATCH_BUFFER_BYTES',
    default: 4 * 1024 * 1024,
    // Four of the largest resource (256 KiB), so a client that reads keeps up with a burst of them.
    min: 1024 * 1024,
    doc: 'bytes a Watch or WatchEndpoints client may fall behind by before its stream ends with RESOURCE_EXHAUSTED',
  },
  defaultNodeLeaseTtl: { flag: 'default-node-lease-ttl', env: 'HELIOS_DEFAULT_NODE_LEASE_TTL', default: 5, min: 2, max: 60, doc: 'TTL in seconds of the lease a node gets when it asks for none (a request is clamped to 2-60): how soon a dead node is noticed' },
  nodeCredentialTtl: { flag: 'node-credential-ttl', env: 'HELIOS_NODE_CREDENTIAL_TTL', default: 86_400, min: 300, doc: 'lifetime in seconds of the credential a node gets at Join (RenewCredential gives a fresh one)' },
  ...CAPACITY_SETTINGS,
  ...FAILURE_SETTINGS,
  ...AUTOSCALER_SETTINGS,
};

/** The control plane's resolved settings. */
export type ControlPlaneConfig = Resolved<typeof CONTROL_PLANE_SETTINGS>;
