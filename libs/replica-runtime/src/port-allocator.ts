import { createServer } from 'node:net';

/** Options of a PortAllocator. */
export interface PortAllocatorOptions {
  /** First port of the range (inclusive); default 20000. */
  from?: number;
  /** Last port of the range (inclusive); default 32767. */
  to?: number;
  /** Source of the random starting point in [0, 1). */
  random?: () => number;
}

/**
 * Hands out free TCP ports for replicas whose template leaves the port to Helios (port 0),
 * never the same port twice while it is held. One allocator serves every runtime of a process:
 * simulated nodes share one host, so two of them must not both hand out port 20001.
 *
 * The range sits below Linux's ephemeral range (32768-60999): a port found free here and
 * handed to a child cannot be taken in the meantime by an outgoing connection of this host.
 * A port is checked by binding 0.0.0.0 (which also fails when anything listens on 127.0.0.1
 * or ::); each allocator starts at a random point so that several processes on one host (test
 * workers) rarely race for the same port, and a replica that lost such a race crashes and is
 * restarted on a new port.
 */
export class PortAllocator {
  private readonly held = new Set<number>();
  private readonly from: number;
  private readonly to: number;
  private next: number;

  constructor(options: PortAllocatorOptions = {}) {
    this.from = options.from ?? 20_000;
    this.to = options.to ?? 32_767;
    if (!(this.from > 0 && this.to >= this.from && this.to < 65_536)) throw new Error(`invalid port range ${this.from}-${this.to}`);
    this.next = this.from + Math.floor((options.random ?? Math.random)() * (this.to - this.from + 1));
  }

  /** Ports handed out and not released. */
  get size(): number {
    return this.held.size;
  }

  /** A port nothing listens on and nobody holds; held until release(). */
  async allocate(): Promise<number> {
    const span = this.to - this.from + 1;
    for (let tried = 0; tried < span; tried++) {
      const port = this.next;
      this.next = port >= this.to ? this.from : port + 1;
      if (this.held.has(port)) continue;
      // Held before the async check, so two concurrent allocations never test the same port.
      this.held.add(port);
      if (await canListen(port)) return port;
      this.held.delete(port);
    }
    throw new Error(`no free port in ${this.from}-${this.to} (${this.held.size} held by replicas of this process)`);
  }

  /** Marks a fixed port as taken (a template's own port); false when it already is. */
  reserve(port: number): boolean {
    if (this.held.has(port)) return false;
    this.held.add(port);
    return true;
  }

  /** Gives a port back. */
  release(port: number): void {
    this.held.delete(port);
  }
}

/** The allocator shared by every runtime in this process. */
export const sharedPortAllocator = new PortAllocator();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
