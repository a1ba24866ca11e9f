import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortAllocator } from './port-allocator';

describe('PortAllocator', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  const listen = (port: number, host: string) =>
    new Promise<void>((resolve, reject) => {
      const s = createServer();
      servers.push(s);
      s.once('error', reject);
      s.listen(port, host, () => resolve());
    });

  // Other processes on this machine may hold ports of any range: count what is free first.
  const freeIn = async (from: number, to: number) => {
    const free: number[] = [];
    for (let port = from; port <= to; port++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
      });
      if (ok) free.push(port);
    }
    return free;
  };

  it('never hands out a port twice while it is held, and reuses it once released', async () => {
    const free = await freeIn(41_000, 41_003);
    const ports = new PortAllocator({ from: 41_000, to: 41_003, random: () => 0 });
    const got = [];
    for (let i = 0; i < free.length; i++) got.push(await ports.allocate());
    expect(got.sort()).toEqual(free);
    await expect(ports.allocate()).rejects.toThrow(`no free port in 41000-41003 (${free.length} held by replicas of this process)`);
    ports.release(got[0]!);
    expect(await ports.allocate()).toBe(got[0]);
  });

  it('skips a port something on the host listens on, even on loopback only', async () => {
    const [busy, next] = await freeIn(41_010, 41_030);
    const ports = new PortAllocator({ from: busy!, to: next!, random: () => 0 });
    await listen(busy!, '127.0.0.1');
    expect(await ports.allocate()).toBe(next);
  });

  it('hands out distinct ports to concurrent allocations', async () => {
    const ports = new PortAllocator({ from: 41_040, to: 41_079 });
    const got = await Promise.all(Array.from({ length: 8 }, () => ports.allocate()));
    expect(new Set(got).size).toBe(8);
    expect(ports.size).toBe(8);
  });

  it('reserves a fixed port once', () => {
    const ports = new PortAllocator();
    expect(ports.reserve(8000)).toBe(true);
    expect(ports.reserve(8000)).toBe(false);
    ports.release(8000);
    expect(ports.reserve(8000)).toBe(true);
  });
});
