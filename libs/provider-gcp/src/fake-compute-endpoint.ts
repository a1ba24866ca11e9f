import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Compute REST request as the fake endpoint received it. */
export interface ComputeCall {
  method: string;
  /** Path without the query, e.g. /compute/v1/projects/p/zones/z/instances. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/** An HTTP answer: status and JSON body. */
export interface ComputeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Responder = (call: ComputeCall) => ComputeReply;

/**
 * A local stand-in for compute.googleapis.com, for tests that drive the real Compute clients: it
 * records every request and answers through a routing function the test sets.
 */
export class FakeComputeEndpoint {
  readonly calls: ComputeCall[] = [];
  /** http://127.0.0.1:PORT, set once listening. */
  url = '';
  private responder: Responder = () => ({ status: 500, body: gceErrorBody(500, 'no route set in the fake endpoint', 'backendError') });
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        const call: ComputeCall = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: text === '' ? undefined : JSON.parse(text),
        };
        this.calls.push(call);
        const reply = this.responder(call);
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      });
    });
  }

  /** Starts on 127.0.0.1 on a free port. */
  static async start(): Promise<FakeComputeEndpoint> {
    const endpoint = new FakeComputeEndpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    endpoint.url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
    return endpoint;
  }

  /** Sets how requests are answered. */
  route(responder: Responder): void {
    this.responder = responder;
  }

  /** Forgets recorded calls. */
  reset(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const API = 'https://compute.googleapis.com/compute/v1';

/** A Compute Operation resource as insert, delete and zoneOperations.wait return it. */
export function operationJson(op: {
  name: string;
  project: string;
  zone: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  operationType?: 'insert' | 'delete';
  target?: string;
  errors?: Array<{ code: string; message: string }>;
  httpErrorStatusCode?: number;
  insertTime?: string;
}): Record<string, unknown> {
  return {
    kind: 'compute#operation',
    id: '7394824000000000001',
    name: op.name,
    zone: `${API}/projects/${op.project}/zones/${op.zone}`,
    operationType: op.operationType ?? 'insert',
    targetLink: `${API}/projects/${op.project}/zones/${op.zone}/instances/${op.target ?? 'unknown'}`,
    targetId: '4519300000000000001',
    status: op.status,
    user: 'helios-cell-agent@proj.iam.gserviceaccount.com',
    progress: op.status === 'DONE' ? 100 : 0,
    insertTime: op.insertTime ?? '2026-03-01T00:00:00.000-08:00',
    startTime: '2026-03-01T00:00:00.100-08:00',
    selfLink: `${API}/projects/${op.project}/zones/${op.zone}/operations/${op.name}`,
    ...(op.status === 'DONE' ? { endTime: '2026-03-01T00:00:40.000-08:00' } : {}),
    ...(op.errors ? { error: { errors: op.errors } } : {}),
    ...(op.httpErrorStatusCode ? { httpErrorStatusCode: op.httpErrorStatusCode, httpErrorMessage: 'SERVICE UNAVAILABLE' } : {}),
  };
}

/** Compute's HTTP error body: `{"error":{"code":..,"message":..,"errors":[{"message","domain","reason"}]}}`. */
export function gceErrorBody(code: number, message: string, reason: string, domain = 'global'): Record<string, unknown> {
  return { error: { code, message, errors: [{ message, domain, reason }] } };
}

/** A Compute Instance resource as list and get return it. */
export function instanceJson(i: {
  name: string;
  project: string;
  zone: string;
  status: string;
  labels?: Record<string, string>;
  description?: string;
  creationTimestamp?: string;
}): Record<string, unknown> {
  return {
    kind: 'compute#instance',
    id: '4519300000000000001',
    creationTimestamp: i.creationTimestamp ?? '2026-03-01T00:00:05.000-08:00',
    name: i.name,
    ...(i.description === undefined ? {} : { description: i.description }),
    machineType: `${API}/projects/${i.project}/zones/${i.zone}/machineTypes/a3-highgpu-8g`,
    status: i.status,
    zone: `${API}/projects/${i.project}/zones/${i.zone}`,
    labels: i.labels ?? {},
    selfLink: `${API}/projects/${i.project}/zones/${i.zone}/instances/${i.name}`,
  };
}
