import { request } from 'node:http';
import { connect } from 'node:net';

/** The answer of one readiness probe. */
export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed, worded for a replica's status message: `GET /healthz: HTTP 503`. */
  detail: string;
}

/**
 * Probes a replica once: an HTTP GET of `path` that must answer 2xx within `timeoutMs`, or, when
 * the template has no probe path, a TCP connect to the port. Never rejects.
 */
export function probeOnce(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeOutcome> {
  return path ? httpProbe(host, port, path, timeoutMs) : tcpProbe(host, port, timeoutMs);
}

function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // No keep-alive agent: a probe must see a fresh connection, as a new client would.
    const req = request({ host, port, path, method: 'GET', agent: false, headers: { 'user-agent': 'helios-probe' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done(status >= 200 && status < 300 ? { ok: true, detail: '' } : { ok: false, detail: `GET ${path}: HTTP ${status}` });
    });
    const timer = setTimeout(() => {
      done({ ok: false, detail: `GET ${path}: no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, detail: `GET ${path}: ${err.code ?? err.message}` }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ ok: false, detail: `connect to port ${port}: no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => done({ ok: true, detail: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, detail: `connect to port ${port}: ${err.code ?? err.message}` }));
  });
}
