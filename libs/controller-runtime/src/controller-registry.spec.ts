import { waitFor } from '@helios/launcher';
import { describe, expect, it } from 'vitest';
import type { Controller } from './controller';
import { ControllerRegistry, type Leadership } from './controller-registry';

/** A leadership that a test flips by hand. */
class FakeLeadership implements Leadership {
  isLeader = false;
  private readonly listeners = { elected: new Set<(r?: Error) => void>(), lost: new Set<(r?: Error) => void>() };
  on(event: 'elected' | 'lost', cb: (reason?: Error) => void): () => void {
    this.listeners[event].add(cb);
    return () => this.listeners[event].delete(cb);
  }
  set(leader: boolean): void {
    this.isLeader = leader;
    for (const cb of this.listeners[leader ? 'elected' : 'lost']) cb(leader ? undefined : new Error('lease lost'));
  }
}

/** A controller that records its runs and stays up until stopped (or breaks when told). */
class RecordingController implements Controller {
  starts = 0;
  stops = 0;
  running = false;
  breakNext = 0;
  constructor(readonly name: string) {}
  async start(signal: AbortSignal): Promise<void> {
    this.starts++;
    if (this.breakNext > 0) {
      this.breakNext--;
      throw new Error('informer failed to list');
    }
    this.running = true;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.running = false;
    this.stops++;
  }
  async reconcile(): Promise<void> {}
}

describe('ControllerRegistry', () => {
  it('runs the controllers only while leading', async () => {
    const a = new RecordingController('a');
    const b = new RecordingController('b');
    const registry = new ControllerRegistry().register(a).register(b);
    const leadership = new FakeLeadership();
    registry.follow(leadership);
    expect(registry.running).toBe(false);
    expect(a.starts + b.starts).toBe(0);

    leadership.set(true);
    await waitFor('controllers to start', () => a.running && b.running);
    expect(registry.running).toBe(true);

    leadership.set(false);
    await waitFor('controllers to stop', () => !a.running && !b.running);
    expect(registry.running).toBe(false);

    leadership.set(true);
    await waitFor('controllers to start again', () => a.running && b.running);
    expect([a.starts, b.starts]).toEqual([2, 2]);

    await registry.close();
    expect([a.stops, b.stops]).toEqual([2, 2]);
    leadership.set(true);
    expect(registry.running).toBe(false);
  });

  it('starts a new term only after the last one has stopped', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let active = 0;
    let maxActive = 0;
    let starts = 0;
    const slow: Controller = {
      name: 'slow',
      async start(signal) {
        starts++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        await released;
        active--;
      },
      async reconcile() {},
    };
    const registry = new ControllerRegistry().register(slow);
    const leadership = new FakeLeadership();
    registry.follow(leadership);
    leadership.set(true);
    await waitFor('first term', () => starts === 1);
    leadership.set(false);
    leadership.set(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(starts).toBe(1);
    release();
    await waitFor('second term', () => starts === 2);
    await registry.close();
    expect(maxActive).toBe(1);
  });

  it('starts at once when already leading', async () => {
    const a = new RecordingController('a');
    const leadership = new FakeLeadership();
    leadership.isLeader = true;
    const registry = new ControllerRegistry().register(a);
    registry.follow(leadership);
    await waitFor('controller to start', () => a.running);
    await registry.close();
    expect(a.stops).toBe(1);
  });

  it('restarts a controller that breaks', async () => {
    const a = new RecordingController('a');
    a.breakNext = 2;
    const registry = new ControllerRegistry({ restartBackoff: { baseMs: 1, maxMs: 2, jitter: 0 } }).register(a);
    registry.startAll();
    await waitFor('controller to come up after two failures', () => a.running);
    expect(a.starts).toBe(3);
    await registry.stopAll();
    expect(a.running).toBe(false);
  });

  it('rejects two controllers of one name and lists them in order', () => {
    const registry = new ControllerRegistry().register(new RecordingController('x')).register(new RecordingController('y'));
    expect(registry.list().map((c) => c.name)).toEqual(['x', 'y']);
    expect(() => registry.register(new RecordingController('x'))).toThrow('controller x is registered twice');
  });
});
