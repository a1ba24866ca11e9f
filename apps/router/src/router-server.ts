import type { Endpoint } from '@helios/api';
import { parseHostPort, type Logger } from '@helios/config';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LoadTracker } from './load-tracker';
import type { RequestHold } from './request-hold';
import { nextInTurn } from './round-robin';
import type { RouterMetrics } from './router-metrics';
import { resolveRouterSettings, type RouterSettings } from './router-settings';

/** Where the router gets its endpoints: an EndpointSet, or a fixed list in tests. */
export interface EndpointSource {
  list(): readonly Endpoint[];
  /** False until the first snapshot arrived. */
  readonly isReady: boolean;
}

/** Options of the router; its settings' defaults are resolveRouterSettings's. */
export interface RouterOptions extends Partial<RouterSettings> {
  deployment: string;
  endpoints: EndpointSource;
  metrics: RouterMetrics;
  /** Counts the load sent to each replica, for the load reports; none: not counted. */
  load?: LoadTracker;
  /** Holds requests while the set is empty (scale from zero); none: they are answered 503 at once. */
  hold?: RequestHold;
  logger?: Logger;
}

// Hop-by-hop headers (RFC 9110 section 7.6.1) belong to one connection, not to the request.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);

/**
 * Errors that mean the request never reached a working process, so another endpoint may take
 * it: nothing listened (ECONNREFUSED, a replica that just exited), the connection broke before
 * any answer (ECONNRESET/EPIPE: a kept-alive socket the replica closed as it shut down), or the
 * host is unreachable. Inference is treated as safe to repeat; a timeout is not retried, since
 * the replica may still be working on it.
 */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

class UpstreamError extends Error {
  constructor(
    readonly code: string,
    readonly endpoint: Endpoint,
    options?: { cause?: unknown },
  ) {
    super(`${endpoint.replica} (${endpoint.address}): ${code}`, options);
  }
}

/**
 * The router: a minimal HTTP load balancer over a deployment's live endpoint set. Round-robin
 * per request; a connection error is retried on another endpoint (`retries` times); 503 when the
 * set is empty. Also serves GET /router/healthz (200 once the set is known) and /metrics.
 *
 * Request bodies are buffered (inference requests are small) so that a retry can resend them.
 */
export function createRouter(options: RouterOptions): Server {
  const { endpoints, metrics } = options;
  const { retries, upstreamTimeoutMs: timeoutMs, maxBodyBytes: maxBody, ejectMs } = resolveRouterSettings(options);
  // Kept-alive upstream connections: a new TCP connection per request would dominate the
  // latency of a fast model and exhaust ports under load.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const ejectedUntil = new Map<string, number>();
  let cursor = 0;

  // A retry is an extra attempt, not a turn: it leaves the cursor where the first attempt put
  // it. Were it to advance the cursor, with [a, dead] every request would land on dead first.
  // Ejected endpoints are passed over while any other is left ("panic" otherwise, as in Envoy:
  // a set that is all ejected is better tried than refused).
  const pick = (tried: ReadonlySet<string>): Endpoint | undefined => {
    const now = Date.now();
    for (const [replica, until] of ejectedUntil) if (until <= now) ejectedUntil.delete(replica);
    const list = endpoints.list();
    const key = (e: Endpoint) => e.replica;
    let turn = nextInTurn(list, cursor, key, ejectedUntil.size === 0 ? tried : new Set([...tried, ...ejectedUntil.keys()]));
    if (!turn.choice && ejectedUntil.size > 0) turn = nextInTurn(list, cursor, key, tried);
    if (tried.size === 0) cursor = turn.cursor;
    return turn.choice;
  };

  const answer = (res: ServerResponse, started: number, code: number, body?: unknown) => {
    if (body !== undefined && !res.headersSent) {
      const text = JSON.stringify(body);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    }
    metrics.requests.inc({ code: String(code) });
    metrics.duration.observe({ code: String(code) }, (Date.now() - started) / 1000);
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<void> => {
    const body = await readBody(req, maxBody);
    if (body === null) return answer(res, started, 413, { error: `request body larger than ${maxBody} bytes` });
    if (options.hold && endpoints.list().length === 0) {
      // No Ready replica (a deployment at zero, or not up yet): wait for one rather than refuse
      // the request that is to wake it; the router reports the held requests as demand.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const outcome = await options.hold.wait(gone.signal);
      if (outcome === 'cancelled') return answer(res, started, 499);
      if (outcome === 'full') return answer(res, started, 503, { error: `no ready endpoint for deployment ${options.deployment}, and ${options.hold.size} requests already wait for one` });
      if (outcome === 'timeout') return answer(res, started, 503, { error: `no endpoint of deployment ${options.deployment} became ready while the request waited` });
    }
    const tried = new Set<string>();
    let lastError: UpstreamError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const endpoint = pick(tried);
      if (!endpoint) break;
      if (attempt > 0) metrics.retries.inc();
      tried.add(endpoint.replica);
      metrics.upstreamRequests.inc({ replica: endpoint.replica });
      const finished = options.load?.start(endpoint.replica);
      try {
        const upstream = await send(req, body, endpoint);
        return await relay(upstream, res, endpoint, started);
      } catch (err) {
        const failure = err instanceof UpstreamError ? err : new UpstreamError('EUNKNOWN', endpoint, { cause: err });
        metrics.upstreamErrors.inc({ error: failure.code });
        lastError = failure;
        options.logger?.warn({ replica: endpoint.replica, address: endpoint.address, error: failure.code, attempt }, 'upstream attempt failed');
        if (failure.code === 'ETIMEDOUT') return answer(res, started, 504, { error: `replica ${failure.message}` });
        if (!RETRYABLE.has(failure.code)) break;
        if (ejectMs > 0) ejectedUntil.set(endpoint.replica, Date.now() + ejectMs);
      } finally {
        finished?.();
      }
    }
    if (!lastError) return answer(res, started, 503, { error: `no ready endpoint for deployment ${options.deployment}` });
    return answer(res, started, 502, { error: `no endpoint of deployment ${options.deployment} answered; last: ${lastError.message}`, attempts: tried.size });
  };

  /** Sends the request to one endpoint; resolves with its response, rejects before any answer. */
  const send = (req: IncomingMessage, body: Buffer, endpoint: Endpoint): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      let target: { host: string; port: number };
      try {
        target = parseHostPort(endpoint.address);
      } catch (err) {
        reject(new UpstreamError('EBADADDRESS', endpoint, { cause: err }));
        return;
      }
      const headers = forwardHeaders(req.headers, true);
      headers['content-length'] = String(body.length);
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      const upstream = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent, timeout: timeoutMs }, resolve);
      upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' })));
      upstream.on('error', (err: NodeJS.ErrnoException) => reject(new UpstreamError(err.code ?? 'EUNKNOWN', endpoint, { cause: err })));
      upstream.end(body);
    });

  const relay = (upstream: IncomingMessage, res: ServerResponse, endpoint: Endpoint, started: number): Promise<void> =>
    new Promise((resolve) => {
      const code = upstream.statusCode ?? 502;
      res.writeHead(code, { ...forwardHeaders(upstream.headers, false), 'x-helios-replica': endpoint.replica });
      upstream.pipe(res);
      // An answer cut off halfway cannot be retried (the client has its first bytes): end it.
      upstream.on('error', () => res.destroy());
      res.on('close', () => {
        if (!upstream.complete) upstream.destroy();
        answer(res, started, code);
        resolve();
      });
    });

  const server = createServer((req, res) => {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/router/healthz') {
      const ready = endpoints.isReady;
      const text = JSON.stringify({ ready, deployment: options.deployment, endpoints: endpoints.list().length });
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(text);
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
      return;
    }
    proxy(req, res, started).catch((err: Error) => {
      options.logger?.error({ err }, 'routing failed');
      if (!res.headersSent) answer(res, started, 500, { error: err.message });
      else res.destroy();
    });
  });
  server.on('close', () => agent.destroy());
  return server;
}

/** The end-to-end headers of a message; a request's length is dropped since the router sets it. */
function forwardHeaders(headers: IncomingHttpHeaders, dropLength: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || (dropLength && name === 'content-length')) continue;
    out[name] = value;
  }
  return out;
}

/** The whole request body, or null when it is larger than `max`. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
