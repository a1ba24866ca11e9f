import { InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';

type ClientOptions = NonNullable<ConstructorParameters<typeof InstancesClient>[0]>;

/** How the Compute clients authenticate. */
export type GcpCredentials =
  /** Application Default Credentials: the VM's service account, workload identity, or gcloud ADC. */
  | { kind: 'default' }
  /** An API key sent as X-Goog-Api-Key, no token fetch; for tests against a local endpoint. */
  | { kind: 'apiKey'; apiKey: string }
  /** A ready google-auth-library client (e.g. impersonated credentials). */
  | { kind: 'authClient'; authClient: NonNullable<ClientOptions['authClient']> };

/** How to reach Compute Engine: the only inputs the Compute SDK clients are built from. */
export interface ComputeClientOptions {
  projectId: string;
  /** Default: Application Default Credentials. */
  credentials?: GcpCredentials;
  /** Endpoint override, e.g. https://compute.googleapis.com (default) or http://127.0.0.1:PORT in tests. */
  endpoint?: string;
}

/** The two Compute clients the GCP adapter uses. */
export interface ComputeClients {
  instances: InstancesClient;
  zoneOperations: ZoneOperationsClient;
}

// google-gax retries List/Get/AggregatedList on UNAVAILABLE and DEADLINE_EXCEEDED by itself, with
// its own timers. GcpProvider owns retrying (throttling inside, the rest in the caller's work
// queue), so the gax layer gets an empty retry-code list: two layers would multiply attempts.
function withoutGaxRetries(service: string, methods: string[]): NonNullable<ClientOptions['clientConfig']> {
  return {
    interfaces: {
      [service]: {
        retry_codes: { helios_none: [] },
        methods: Object.fromEntries(methods.map((m) => [m, { retry_codes_name: 'helios_none' }])),
      },
    },
  };
}

/**
 * Builds the Compute Engine clients; the one place in Helios that does. REST transport
 * (`fallback: true`, what the Compute library uses anyway); an `endpoint` like
 * http://127.0.0.1:8080 sets protocol, host and port, so tests drive the real client against a
 * local server.
 */
export function createComputeClients(options: ComputeClientOptions): ComputeClients {
  const base: ClientOptions = { projectId: options.projectId, fallback: true };
  if (options.endpoint) {
    const url = new URL(options.endpoint);
    base.apiEndpoint = url.hostname;
    base.protocol = url.protocol.replace(/:$/, '');
    base.port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  }
  const credentials = options.credentials ?? { kind: 'default' };
  if (credentials.kind === 'apiKey') base.apiKey = credentials.apiKey;
  if (credentials.kind === 'authClient') base.authClient = credentials.authClient;
  return {
    instances: new InstancesClient({
      ...base,
      clientConfig: withoutGaxRetries('google.cloud.compute.v1.Instances', ['AggregatedList', 'List', 'Get']),
    }),
    zoneOperations: new ZoneOperationsClient({
      ...base,
      clientConfig: withoutGaxRetries('google.cloud.compute.v1.ZoneOperations', ['Get', 'List']),
    }),
  };
}
