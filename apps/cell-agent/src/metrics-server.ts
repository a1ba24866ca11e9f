import { parseHostPort } from '@helios/config';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A running /metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port` (the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` from `registry` on `addr` (`host:port`, port 0 picks a free one). */
export async function serveMetrics(addr: string, registry: Registry): Promise<MetricsServer> {
  const { host, port } = parseHostPort(addr, '--metrics-addr');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`serving metrics on ${addr}`, { cause: err })));
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
