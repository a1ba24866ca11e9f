import { describe, expect, it } from 'vitest';
import { nextRunStep, signalExitCode, type RunAction, type RunEvent, type RunPhase } from './run-phase';

const starting: RunPhase = { name: 'starting' };
const running: RunPhase = { name: 'running' };
const stopping = (code: number): RunPhase => ({ name: 'stopping', code });
const exiting: RunPhase = { name: 'exiting' };
const none: RunAction = { type: 'none' };
const stop: RunAction = { type: 'stop' };
const exit = (code: number): RunAction => ({ type: 'exit', code });

describe('nextRunStep', () => {
  // The rows of nextRunStep's table, then the rest of the combinations.
  it.each<{ phase: RunPhase; event: RunEvent; next: RunPhase; action: RunAction }>([
    { phase: starting, event: { type: 'started' }, next: running, action: none },
    { phase: starting, event: { type: 'start-failed' }, next: stopping(1), action: stop },
    { phase: starting, event: { type: 'signal', signal: 'SIGTERM' }, next: stopping(0), action: stop },
    { phase: running, event: { type: 'signal', signal: 'SIGINT' }, next: stopping(0), action: stop },
    { phase: running, event: { type: 'stop-requested', code: 1 }, next: stopping(1), action: stop },
    { phase: stopping(0), event: { type: 'signal', signal: 'SIGINT' }, next: exiting, action: exit(130) },
    { phase: stopping(0), event: { type: 'signal', signal: 'SIGTERM' }, next: exiting, action: exit(143) },
    { phase: stopping(0), event: { type: 'started' }, next: stopping(0), action: none },
    { phase: stopping(0), event: { type: 'start-failed' }, next: stopping(0), action: none },
    { phase: stopping(0), event: { type: 'stop-requested', code: 1 }, next: stopping(0), action: none },
    { phase: stopping(0), event: { type: 'stopped', clean: true }, next: exiting, action: exit(0) },
    { phase: stopping(0), event: { type: 'stopped', clean: false }, next: exiting, action: exit(1) },
    { phase: exiting, event: { type: 'signal', signal: 'SIGINT' }, next: exiting, action: none },
    { phase: exiting, event: { type: 'stopped', clean: true }, next: exiting, action: none },
    // A failed start stays a failure however its steps went.
    { phase: stopping(1), event: { type: 'stopped', clean: true }, next: exiting, action: exit(1) },
    { phase: stopping(1), event: { type: 'stopped', clean: false }, next: exiting, action: exit(1) },
    { phase: starting, event: { type: 'signal', signal: 'SIGINT' }, next: stopping(0), action: stop },
    { phase: starting, event: { type: 'stop-requested', code: 1 }, next: stopping(1), action: stop },
    { phase: running, event: { type: 'signal', signal: 'SIGTERM' }, next: stopping(0), action: stop },
    // Only a start can finish or fail a start.
    { phase: running, event: { type: 'started' }, next: running, action: none },
    { phase: running, event: { type: 'start-failed' }, next: running, action: none },
    { phase: running, event: { type: 'stopped', clean: true }, next: running, action: none },
  ])('$phase.name + $event.type -> $next.name, $action.type', ({ phase, event, next, action }) => {
    expect(nextRunStep(phase, event)).toEqual({ phase: next, action });
  });
});

describe('signalExitCode', () => {
  it.each([
    { signal: 'SIGINT', code: 130 },
    { signal: 'SIGTERM', code: 143 },
  ] as const)('$signal -> $code', ({ signal, code }) => {
    expect(signalExitCode(signal)).toBe(code);
  });
});
