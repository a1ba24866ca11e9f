import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate';

/** A task that runs until released, recording when it starts. */
function task(name: string, started: string[]) {
  let release!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    release = () => resolve(name);
    fail = reject;
  });
  return { run: () => (started.push(name), done), release: () => release(), fail: (err: Error) => fail(err) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyGate', () => {
  it('starts at most `limit` tasks and the next in order as one ends (the worked example)', async () => {
    const gate = new ConcurrencyGate(2);
    const started: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => task(n, started));
    const results = [a!, b!, c!].map((t) => gate.run(t.run));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect([gate.active, gate.queued]).toEqual([2, 1]);
    b!.release();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    a!.release();
    c!.release();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a failing task and passes its error on', async () => {
    const gate = new ConcurrencyGate(1);
    const started: string[] = [];
    const [a, b] = ['a', 'b'].map((n) => task(n, started));
    const first = gate.run(a!.run);
    const second = gate.run(b!.run);
    await tick();
    a!.fail(new Error('boot failed'));
    await expect(first).rejects.toThrow('boot failed');
    await tick();
    expect(started).toEqual(['a', 'b']);
    b!.release();
    await expect(second).resolves.toBe('b');
    expect(gate.active).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyGate(0)).toThrow('at least 1, got 0');
  });
});
