import { status, type handleClientStreamingCall, type handleServerStreamingCall, type handleUnaryCall, type sendUnaryData, type ServerReadableStream, type ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from '@helios/config';
import { Counter, Histogram, type Registry } from 'prom-client';
import { toStatus } from './api-error';

/**
 * Wraps gRPC handlers with the request metrics and the error-to-status mapping (toStatus):
 * `helios_grpc_requests_total{method,code}` and `helios_grpc_request_duration_seconds{method}`.
 * One per metrics registry (a registry refuses a second metric of a name): every service a
 * process serves wraps its handlers with the same instance.
 */
export class GrpcMetrics {
  private readonly requests: Counter<'method' | 'code'>;
  private readonly duration: Histogram<'method'>;

  constructor(
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.requests = new Counter({ name: 'helios_grpc_requests_total', help: 'gRPC requests by method and status code.', labelNames: ['method', 'code'], registers: [registry] });
    this.duration = new Histogram({
      name: 'helios_grpc_request_duration_seconds',
      help: 'gRPC request duration by method (for Watch: how long the stream stayed open).',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** A unary handler from an async function; a thrown error becomes its gRPC status. */
  unary<Req, Res>(method: string, handler: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => this.answer(method, () => handler(call.request), callback);
  }

  /** A server-streaming handler from an async function that resolves when the stream is over. */
  serverStream<Req, Res>(method: string, handler: (call: ServerWritableStream<Req, Res>) => Promise<void>): handleServerStreamingCall<Req, Res> {
    return (call) => {
      const stop = this.duration.startTimer({ method });
      handler(call).then(
        () => {
          this.record(method, call.cancelled ? status.CANCELLED : status.OK, stop);
          if (!call.cancelled && !call.writableEnded) call.end();
        },
        (err: unknown) => {
          const { code, details } = this.fail(method, err, stop);
          // grpc-js turns an 'error' on a server stream into the call's final status.
          if (!call.cancelled && !call.writableEnded) call.emit('error', { code, details });
        },
      );
    };
  }

  /** Counts one outcome measured elsewhere (the node API, and each keep-alive of its KeepAlive streams). */
  observe(method: string, code: status, seconds: number): void {
    this.requests.inc({ method, code: status[code] });
    this.duration.observe({ method }, seconds);
  }

  /** A client-streaming handler from an async function that resolves with the one response. */
  clientStream<Req, Res>(method: string, handler: (call: ServerReadableStream<Req, Res>) => Promise<Res>): handleClientStreamingCall<Req, Res> {
    return (call, callback) => this.answer(method, () => handler(call), callback);
  }

  /** Times a call with one response and answers it: the response, or the error's gRPC status. */
  private answer<Res>(method: string, work: () => Promise<Res>, callback: sendUnaryData<Res>): void {
    const stop = this.duration.startTimer({ method });
    work().then(
      (response) => {
        this.record(method, status.OK, stop);
        callback(null, response);
      },
      (err: unknown) => {
        const { code, details } = this.fail(method, err, stop);
        callback({ code, details });
      },
    );
  }

  private fail(method: string, err: unknown, stop: () => void): { code: status; details: string } {
    const result = toStatus(err);
    this.record(method, result.code, stop);
    if (result.code === status.INTERNAL || result.code === status.UNAVAILABLE) this.logger.error({ err, method }, `${method} failed: ${result.details}`);
    else this.logger.debug({ method, code: status[result.code] }, result.details);
    return result;
  }

  private record(method: string, code: status, stop: () => void): void {
    this.requests.inc({ method, code: status[code] });
    stop();
  }
}
