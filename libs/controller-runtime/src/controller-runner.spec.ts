import { waitFor } from '@helios/launcher';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { TerminalError, type ReconcileResult } from './controller';
import { ControllerMetrics } from './controller-metrics';
import { ControllerRunner } from './controller-runner';
import type { EventSource } from './event-source';

/** A test event source: emit() calls every listener. */
class Emitter<E> implements EventSource<E> {
  readonly listeners = new Set<(event: E) => void>();
  on(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: E): void {
    for (const l of this.listeners) l(event);
  }
}

/** A promise resolved from outside, to hold a reconcile open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const noJitter = { baseMs: 100, maxMs: 10_000, jitter: 0 };

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

describe('ControllerRunner', () => {
  it('maps events to keys and reconciles each', async () => {
    const source = new Emitter<{ cell: string; extra?: string[] }>();
    const seen: string[] = [];
    const runner = new ControllerRunner({ name: 't', reconcile: async (key) => void seen.push(key) });
    runner.watch(source, (e) => (e.extra ? [e.cell, ...e.extra] : e.cell));
    runner.watch(source, () => undefined);
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    source.emit({ cell: 'a' });
    source.emit({ cell: 'b', extra: ['c'] });
    runner.enqueue('d');
    await waitFor('four reconciles', () => seen.length === 4);
    abort.abort();
    await running;
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(source.listeners.size).toBe(0);
  });

  it('coalesces events for a key in process into one more reconcile, never two at once', async () => {
    const source = new Emitter<string>();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const first = gate();
    const runner = new ControllerRunner({
      name: 't',
      workers: 4,
      reconcile: async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        if (calls === 1) await first.opened;
        active--;
      },
    });
    runner.watch(source, (key) => key);
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    source.emit('a');
    await waitFor('first reconcile', () => calls === 1);
    for (let i = 0; i < 10; i++) source.emit('a');
    first.open();
    await waitFor('second reconcile', () => calls === 2 && active === 0);
    abort.abort();
    await running;
    expect(calls).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('coalesces the events of a window into one reconcile when the watch asks for it', async () => {
    const clock = new ManualClock();
    const source = new Emitter<string>();
    const seen: string[] = [];
    const runner = new ControllerRunner({ name: 't', clock, reconcile: async (key) => void seen.push(key) });
    runner.watch(source, (key) => key, { coalesceMs: 500 });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    source.emit('a');
    clock.advance(300);
    source.emit('a');
    source.emit('b');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
    // The window of a runs from its first event: one reconcile at 500 ms for three events.
    clock.advance(200);
    await waitFor('a reconciled', () => seen.length === 1);
    expect(seen).toEqual(['a']);
    clock.advance(300);
    await waitFor('b reconciled', () => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
    abort.abort();
    await running;
  });

  it('retries a failing key with backoff, then counts the success', async () => {
    const clock = new ManualClock();
    const registry = new Registry();
    const metrics = new ControllerMetrics(registry);
    let calls = 0;
    const runner = new ControllerRunner({
      name: 'flaky',
      clock,
      backoff: noJitter,
      metrics,
      reconcile: async () => {
        calls++;
        if (calls <= 2) throw new Error('etcd unavailable');
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('k');
    await waitFor('first failure', () => calls === 1 && clock.pending === 1);
    clock.advance(99);
    expect(calls).toBe(1);
    clock.advance(1);
    await waitFor('second failure', () => calls === 2 && clock.pending === 1);
    clock.advance(199);
    expect(calls).toBe(2);
    clock.advance(1);
    await waitFor('success', () => calls === 3);
    await waitFor('forget after success', () => runner.queue.numRequeues('k') === 0);
    abort.abort();
    await running;
    expect(await metricValue(registry, 'helios_controller_reconcile_total', { controller: 'flaky', result: 'error' })).toBe(2);
    expect(await metricValue(registry, 'helios_controller_reconcile_total', { controller: 'flaky', result: 'success' })).toBe(1);
    expect(await metricValue(registry, 'helios_controller_reconcile_errors_total', { controller: 'flaky' })).toBe(2);
    expect(await metricValue(registry, 'helios_controller_running', { controller: 'flaky' })).toBe(0);
  });

  it('does not retry a terminal error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const runner = new ControllerRunner({
      name: 't',
      clock,
      reconcile: async () => {
        calls++;
        throw new TerminalError('cell uses unknown provider');
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('k');
    await waitFor('reconcile', () => calls === 1);
    clock.advance(3_600_000);
    abort.abort();
    await running;
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const clock = new ManualClock();
    const results: (ReconcileResult | void)[] = [{ requeueAfter: 5_000 }, undefined];
    let calls = 0;
    const runner = new ControllerRunner({ name: 't', clock, reconcile: async () => results[calls++] });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('k');
    await waitFor('first reconcile', () => calls === 1 && clock.pending === 1);
    clock.advance(4_999);
    expect(calls).toBe(1);
    clock.advance(1);
    await waitFor('requeued reconcile', () => calls === 2);
    abort.abort();
    await running;
    expect(clock.pending).toBe(0);
  });

  it('waits for the reconcile in flight when stopped, and runs only once', async () => {
    const hold = gate();
    let finished = false;
    const runner = new ControllerRunner({
      name: 't',
      reconcile: async () => {
        await hold.opened;
        finished = true;
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('k');
    await waitFor('reconcile to start', () => runner.queue.length === 0);
    abort.abort();
    let stopped = false;
    void running.then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    hold.open();
    await running;
    expect(finished).toBe(true);
    await expect(runner.run(new AbortController().signal)).rejects.toThrow('a runner runs once');
  });

  it('holds a key that wrote until the cache holds the write, then reconciles it once more', async () => {
    const cache = new (class {
      revision = 0;
      readonly listeners = new Set<() => void>();
      on(listener: () => void) {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      }
      reach(revision: number) {
        for (const l of this.listeners) l();
        this.revision = revision; // as an informer: listeners first, then the revision
      }
    })();
    const seen: string[] = [];
    const runner = new ControllerRunner({
      name: 't',
      sourcesOf: () => [cache],
      reconcile: async (key, ctx) => {
        seen.push(key);
        if (seen.length === 1) ctx.wrote(7, '/helios/v1/replicas/d/r');
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('a');
    await waitFor('first reconcile', () => seen.length === 1);
    // Woken again (its own write's event) before the cache holds revision 7: held back.
    runner.enqueue('a');
    runner.enqueue('b');
    await waitFor('other key', () => seen.includes('b'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a', 'b']);
    expect(cache.listeners.size).toBe(1);
    cache.reach(6);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a', 'b']);
    cache.reach(7);
    await waitFor('reconcile after the cache caught up', () => seen.length === 3);
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(cache.listeners.size).toBe(0);
    abort.abort();
    await running;
  });

  it('releases a held key once its wait is stale, and holds every key in controller scope', async () => {
    const clock = new ManualClock();
    const cache = { revision: 0, on: () => () => undefined };
    const seen: string[] = [];
    const runner = new ControllerRunner({
      name: 't',
      clock,
      sourcesOf: () => [cache],
      readYourWrites: 'controller',
      readYourWritesStaleMs: 1_000,
      reconcile: async (key, ctx) => {
        seen.push(key);
        if (key === 'a') ctx.wrote(3, '/k');
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('a');
    await waitFor('first reconcile', () => seen.length === 1);
    runner.enqueue('b');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a']);
    clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a']);
    clock.advance(1);
    await waitFor('stale wait released', () => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
    abort.abort();
    await running;
  });

  it('lists a cache again when a wait on it goes stale, and reconciles the key only once it holds the write', async () => {
    const clock = new ManualClock();
    const listeners = new Set<() => void>();
    let lists = 0;
    let failNext = true;
    const cache = {
      revision: 0,
      on: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)),
      // A list at etcd's current revision, which is past the write; the first one fails.
      resync: async () => {
        lists++;
        if (failNext) {
          failNext = false;
          throw new Error('etcd unreachable');
        }
        cache.revision = 10;
      },
    };
    const seen: string[] = [];
    const runner = new ControllerRunner({
      name: 't',
      clock,
      sourcesOf: () => [cache],
      readYourWritesStaleMs: 1_000,
      reconcile: async (key, ctx) => {
        seen.push(key);
        if (seen.length === 1) ctx.wrote(3, '/k');
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('a');
    await waitFor('first reconcile', () => seen.length === 1);
    runner.enqueue('a');
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1_000);
    await waitFor('the cache listed again', () => lists === 1);
    await new Promise((resolve) => setImmediate(resolve));
    // The list failed: the key stays held rather than deciding without its write.
    expect(seen).toEqual(['a']);
    clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lists).toBe(1);
    clock.advance(1);
    await waitFor('reconciled once the second list brought the cache past the write', () => seen.length === 2);
    expect(lists).toBe(2);
    expect(seen).toEqual(['a', 'a']);
    abort.abort();
    await running;
  });

  it('queues the resync keys at start and every period', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const runner = new ControllerRunner({ name: 't', clock, reconcile: async (key) => void seen.push(key) });
    let keys = ['x', 'y'];
    runner.resync(() => keys, 30_000);
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    await waitFor('first pass', () => seen.length === 2);
    keys = ['z'];
    clock.advance(29_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(2);
    clock.advance(1);
    await waitFor('resync', () => seen.length === 3);
    expect(seen.sort()).toEqual(['x', 'y', 'z']);
    abort.abort();
    await running;
    expect(clock.pending).toBe(0);
  });

  it('caughtUp() resolves once the cache holds the writes recorded so far', async () => {
    const listeners = new Set<() => void>();
    const cache = { revision: 0, on: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)) };
    const steps: string[] = [];
    const runner = new ControllerRunner({
      name: 't',
      sourcesOf: () => [cache],
      reconcile: async (_key, ctx) => {
        await ctx.caughtUp();
        steps.push('nothing to wait for');
        ctx.wrote(4, '/k');
        const caught = ctx.caughtUp().then(() => steps.push('caught up'));
        await new Promise((resolve) => setImmediate(resolve));
        steps.push('still waiting');
        cache.revision = 4;
        for (const l of listeners) l();
        await caught;
      },
    });
    const abort = new AbortController();
    const running = runner.run(abort.signal);
    runner.enqueue('k');
    await waitFor('the reconcile to finish', () => steps.length === 3);
    expect(steps).toEqual(['nothing to wait for', 'still waiting', 'caught up']);
    abort.abort();
    await running;
  });
});
