import { isProviderError, type CloudProvider, type LaunchRequest } from '@helios/provider';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIM_CLOUD_PATHS, toWire, type WireError } from './sim-cloud-wire';
import type { SimMethod } from './sim-provider';

/** Where a SimCloudServer listens. */
export interface SimCloudServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/**
 * Serves a cloud (a SimProvider) over HTTP to cell agents in other processes, through
 * SimCloudClient. The cloud then outlives any one cell agent, as a real cloud does: a test or a
 * benchmark owns the sim (and its simulated nodes, capacity limits and preemptions) and can kill a
 * cell agent mid-call, then start a new one against the same instances and idempotency tokens.
 *
 * `beforeAnswer` runs after the cloud has done what a call asked and before the answer is sent; a
 * promise that never settles withholds the answer, which is how a test kills a cell agent after
 * the cloud launched but before the agent heard so.
 */
export class SimCloudServer {
  /** `http://host:port`, for SimCloudClient. */
  readonly url: string;
  beforeAnswer: ((method: SimMethod, body: unknown) => Promise<void> | void) | undefined;

  private constructor(
    private readonly server: Server,
    url: string,
  ) {
    this.url = url;
  }

  /** Starts serving `provider`. */
  static async start(provider: CloudProvider, options: SimCloudServerOptions = {}): Promise<SimCloudServer> {
    const hook: { server?: SimCloudServer } = {};
    const server = createServer((req, res) => void handle(provider, () => hook.server?.beforeAnswer, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const address = server.address() as AddressInfo;
    hook.server = new SimCloudServer(server, `http://${address.address}:${address.port}`);
    return hook.server;
  }

  /** Stops listening and drops open connections (a withheld answer never comes). */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(
  provider: CloudProvider,
  hook: () => ((method: SimMethod, body: unknown) => Promise<void> | void) | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    let method: SimMethod;
    let answer: unknown;
    switch (req.url) {
      case SIM_CLOUD_PATHS.launch:
        method = 'launch';
        answer = (await provider.launch(body as unknown as LaunchRequest)).map(toWire);
        break;
      case SIM_CLOUD_PATHS.terminate:
        method = 'terminate';
        await provider.terminate(body.instanceIds as string[]);
        answer = {};
        break;
      case SIM_CLOUD_PATHS.list:
        method = 'list';
        answer = (await provider.list(body.cell as string, body.pool as string | undefined)).map(toWire);
        break;
      default:
        return send(res, 404, { code: 'NotFound', message: `no such call ${req.method} ${req.url}` });
    }
    await hook()?.(method, body);
    send(res, 200, answer);
  } catch (err) {
    const error: WireError = isProviderError(err) ? { code: err.code, message: err.message } : { code: 'Unknown', message: err instanceof Error ? err.message : String(err) };
    send(res, isProviderError(err) ? 409 : 500, error);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
