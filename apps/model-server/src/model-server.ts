import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake model behaves. */
export interface ModelServerOptions {
  /** Reported in every answer and the x-model-version header. */
  version: string;
  /** Name of the replica serving (HELIOS_REPLICA), reported in answers. */
  replica: string;
  /** Time each inference takes, in ms. */
  latencyMs: number;
  /** /healthz answers 503 for this long after start, as a model loading its weights would. */
  startupDelayMs: number;
  /** /healthz always answers 503: a broken version, for rollback tests. */
  failReadiness: boolean;
}

/** A running model server. */
export interface ModelServer {
  readonly server: Server;
  /** Requests being answered right now. */
  readonly inFlight: number;
  /** Listens on host:port (port 0 picks one); resolves with the port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting connections, lets requests in flight finish (their connections then
   * close) and resolves once the server is closed.
   */
  shutdown(): Promise<void>;
}

// Inference requests are small; a bigger body is a client bug, not a model input.
const MAX_BODY_BYTES = 1 << 20;

/**
 * A tiny stand-in for an inference server: GET /healthz for the readiness probe (it also
 * reports the requests in flight, which tests and benchmarks watch) and GET or POST /v1/infer,
 * which waits `latencyMs` and answers `{version, replica, output}` with an x-model-version
 * header. Used by the local fleet, the tests and the benchmarks to observe routing and rollouts.
 */
export function createModelServer(options: ModelServerOptions, now: () => number = Date.now): ModelServer {
  const startedAt = now();
  let inFlight = 0;
  let shuttingDown = false;

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    // During shutdown every answer closes its connection: a kept-alive socket would otherwise
    // hold the server open, or be reused by a client just as it is closed.
    if (shuttingDown) res.setHeader('connection', 'close');
    writeJson(res, status, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('x-model-version', options.version);
    const url = new URL(req.url ?? '/', 'http://model');
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const warming = now() - startedAt < options.startupDelayMs;
      const ready = !options.failReadiness && !warming && !shuttingDown;
      const status = ready ? 'ok' : options.failReadiness ? 'broken' : warming ? 'starting' : 'stopping';
      // inFlight counts this probe too; minus one is what the model is busy with.
      return sendJson(res, ready ? 200 : 503, { status, version: options.version, inFlight: inFlight - 1 });
    }
    if (url.pathname === '/v1/infer' && (req.method === 'GET' || req.method === 'POST')) {
      if (now() - startedAt < options.startupDelayMs) return sendJson(res, 503, { error: 'model is loading', version: options.version });
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      if (body === null) return sendJson(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      const input = inputOf(body, url);
      if (options.latencyMs > 0) await new Promise((r) => setTimeout(r, options.latencyMs));
      return sendJson(res, 200, { version: options.version, replica: options.replica, output: `${options.version}:${input}` });
    }
    return sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  };

  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (shuttingDown) server.closeIdleConnections();
    });
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: err.message });
      else res.destroy(err);
    });
  });

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    shutdown() {
      shuttingDown = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The request body, or null when it exceeds the limit. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The input: `{"input": ...}` or a raw body for POST, the `input` query parameter for GET. */
function inputOf(body: string | undefined, url: URL): string {
  if (body === undefined) return url.searchParams.get('input') ?? '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'input' in parsed) return String((parsed as { input: unknown }).input);
  } catch {
    // Not JSON: the body itself is the input.
  }
  return body;
}
