import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One EC2 Query API request as the fake endpoint received it (form-encoded POST). */
export interface Ec2Call {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Every form parameter, Action and Version included, e.g. `TagSpecification.1.Tag.2.Key`. */
  params: Record<string, string>;
}

/** An HTTP answer: status and XML body. */
export interface Ec2Reply {
  status: number;
  body: string;
}

type Responder = Ec2Reply | ((call: Ec2Call) => Ec2Reply);

/**
 * A local stand-in for the EC2 endpoint, for tests that drive the real SDK client: it records
 * every request and answers from a queue of replies (then from the default responder).
 */
export class FakeEc2Endpoint {
  readonly calls: Ec2Call[] = [];
  private readonly queue: Responder[] = [];
  private fallback: Responder = { status: 500, body: ec2ErrorXml('InternalError', 'no reply queued in the fake endpoint') };

  private readonly server: Server;
  /** http://127.0.0.1:PORT, set once listening. */
  url = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = this.answer({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        });
        res.writeHead(reply.status, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(reply.body);
      });
    });
  }

  /** Starts on 127.0.0.1 on a free port. */
  static async start(): Promise<FakeEc2Endpoint> {
    const endpoint = new FakeEc2Endpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    endpoint.url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
    return endpoint;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: Responder[]): void {
    this.queue.push(...replies);
  }

  /** Sets the answer for requests once the queue is empty. */
  otherwise(responder: Responder): void {
    this.fallback = responder;
  }

  /** Forgets recorded calls and queued replies. */
  reset(): void {
    this.calls.length = 0;
    this.queue.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(call: Ec2Call): Ec2Reply {
    this.calls.push(call);
    const next = this.queue.shift() ?? this.fallback;
    return typeof next === 'function' ? next(call) : next;
  }
}

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** An instance as the fake puts it in RunInstances / DescribeInstances answers. */
export interface FakeInstance {
  id: string;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
  zone: string;
  launchTime: string;
  instanceType?: string;
  clientToken?: string;
  lifecycle?: 'spot';
  tags?: Record<string, string>;
}

const STATE_CODES: Record<FakeInstance['state'], number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function instanceXml(i: FakeInstance, launchIndex: number): string {
  const tags = Object.entries(i.tags ?? {})
    .map(([k, v]) => `<item><key>${esc(k)}</key><value>${esc(v)}</value></item>`)
    .join('');
  return (
    `<item><instanceId>${i.id}</instanceId><imageId>ami-0abc</imageId>` +
    `<instanceState><code>${STATE_CODES[i.state]}</code><name>${i.state}</name></instanceState>` +
    `<privateDnsName/><dnsName/><amiLaunchIndex>${launchIndex}</amiLaunchIndex>` +
    `<instanceType>${esc(i.instanceType ?? 'p5.48xlarge')}</instanceType><launchTime>${i.launchTime}</launchTime>` +
    `<placement><availabilityZone>${i.zone}</availabilityZone><groupName/><tenancy>default</tenancy></placement>` +
    `<monitoring><state>disabled</state></monitoring>` +
    (i.clientToken ? `<clientToken>${esc(i.clientToken)}</clientToken>` : '') +
    (i.lifecycle ? `<instanceLifecycle>${i.lifecycle}</instanceLifecycle>` : '') +
    (tags ? `<tagSet>${tags}</tagSet>` : '') +
    `</item>`
  );
}

/** A RunInstancesResponse carrying `instances`. */
export function runInstancesXml(instances: FakeInstance[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<RunInstancesResponse xmlns="${NS}">` +
    `<requestId>11111111-2222-3333-4444-555555555555</requestId><reservationId>r-0123456789abcdef0</reservationId>` +
    `<ownerId>123456789012</ownerId><groupSet/><instancesSet>${instances.map(instanceXml).join('')}</instancesSet>` +
    `</RunInstancesResponse>`
  );
}

/** A DescribeInstancesResponse with one reservation per inner array, and an optional nextToken. */
export function describeInstancesXml(reservations: FakeInstance[][], nextToken?: string): string {
  const items = reservations
    .map(
      (instances, r) =>
        `<item><reservationId>r-${String(r).padStart(17, '0')}</reservationId><ownerId>123456789012</ownerId><groupSet/>` +
        `<instancesSet>${instances.map(instanceXml).join('')}</instancesSet></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${NS}">` +
    `<requestId>22222222-2222-3333-4444-555555555555</requestId><reservationSet>${items}</reservationSet>` +
    (nextToken ? `<nextToken>${esc(nextToken)}</nextToken>` : '') +
    `</DescribeInstancesResponse>`
  );
}

/** A TerminateInstancesResponse moving each id from running to shutting-down. */
export function terminateInstancesXml(ids: string[]): string {
  const items = ids
    .map(
      (id) =>
        `<item><instanceId>${id}</instanceId><currentState><code>32</code><name>shutting-down</name></currentState>` +
        `<previousState><code>16</code><name>running</name></previousState></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<TerminateInstancesResponse xmlns="${NS}">` +
    `<requestId>33333333-2222-3333-4444-555555555555</requestId><instancesSet>${items}</instancesSet></TerminateInstancesResponse>`
  );
}

/** EC2's error document: `<Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors><RequestID>..`. */
export function ec2ErrorXml(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code>` +
    `<Message>${esc(message)}</Message></Error></Errors><RequestID>44444444-2222-3333-4444-555555555555</RequestID></Response>`
  );
}
