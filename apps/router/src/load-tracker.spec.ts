import { describe, expect, it } from 'vitest';
import { LoadTracker } from './load-tracker';

describe('LoadTracker', () => {
  it('counts in-flight requests and requests per second per replica (the example on LoadTracker)', () => {
    const tracker = new LoadTracker(0);
    const first = tracker.start('r1');
    tracker.start('r1');
    first();
    first(); // a second call changes nothing
    expect(tracker.take(['r1', 'r2'], 1_000)).toEqual([
      { replica: 'r1', inFlight: 1, queueDepth: 0, requestsPerSecond: 2, gauges: {} },
      { replica: 'r2', inFlight: 0, queueDepth: 0, requestsPerSecond: 0, gauges: {} },
    ]);
    // The next interval starts empty of sends; the open request is still in flight.
    expect(tracker.take(['r1'], 3_000)).toEqual([{ replica: 'r1', inFlight: 1, queueDepth: 0, requestsPerSecond: 0, gauges: {} }]);
  });
});
