import { credentials, makeClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

type HealthClient = Client & { check(req: { service: string }, options: { deadline: number }, cb: (err: ServiceError | null, res?: { status: string }) => void): void };
const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health') as unknown as new (addr: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient;

/** A client of the standard gRPC health service (grpc.health.v1.Health) at `addr`. */
export class GrpcHealth {
  private readonly client: HealthClient;

  constructor(addr: string) {
    this.client = new HealthClient(addr, credentials.createInsecure());
  }

  /** True when the server answers SERVING for `service` ('' = the server as a whole) within `timeoutMs`. */
  serving(service = '', timeoutMs = 500): Promise<boolean> {
    return new Promise((resolve) => {
      this.client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => resolve(!err && res?.status === 'SERVING'));
    });
  }

  close(): void {
    this.client.close();
  }
}
