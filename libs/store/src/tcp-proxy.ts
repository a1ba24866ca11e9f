import { createServer, connect, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of etcd that tests use to cut or freeze a client's connection
 * (etcd itself keeps running), to prove what the store does after a disconnect.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly server = createServer((downstream) => this.forward(downstream));
  private port = 0;

  private constructor(private readonly target: URL) {}

  /** Starts a proxy on a free loopback port forwarding to `target` (`http://127.0.0.1:PORT`). */
  static async start(target: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(new URL(target));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    const address = proxy.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no TCP address');
    proxy.port = address.port;
    return proxy;
  }

  /** http://127.0.0.1:PORT of the proxy. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops forwarding in both directions on open connections; they stay open, silent. */
  freeze(): void {
    for (const [downstream, upstream] of this.pairs) {
      downstream.unpipe(upstream);
      upstream.unpipe(downstream);
      downstream.pause();
      upstream.pause();
    }
  }

  /** Closes every open connection; new ones are forwarded normally. */
  sever(): void {
    for (const [downstream, upstream] of [...this.pairs]) {
      downstream.destroy();
      upstream.destroy();
    }
  }

  /** Closes the connections and stops listening. */
  async close(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(downstream: Socket): void {
    const upstream = connect(Number(this.target.port), this.target.hostname);
    const pair: [Socket, Socket] = [downstream, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  }
}
