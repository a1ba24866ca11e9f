/** The signals a component stops on: SIGTERM from a supervisor, SIGINT from Ctrl-C. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Exit codes of a component process: 0 stopped as asked (or help), 1 failed, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const SIGNAL_NUMBERS: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15 };

/** Where a component process stands. */
export type RunPhase =
  | { name: 'starting' }
  | { name: 'running' }
  /** Its stop steps run; `code` is the exit code once they are through without a failure. */
  | { name: 'stopping'; code: number }
  | { name: 'exiting' };

/** What happens to a component process. */
export type RunEvent =
  | { type: 'started' }
  | { type: 'start-failed' }
  | { type: 'signal'; signal: StopSignal }
  /** The component asks to be stopped and the process to exit with `code` (its work failed while running). */
  | { type: 'stop-requested'; code: number }
  /** The stop steps are through; `clean` when none of them failed. */
  | { type: 'stopped'; clean: boolean };

/** What the runner does about it: nothing, run the stop steps, or exit with a code. */
export type RunAction = { type: 'none' } | { type: 'stop' } | { type: 'exit'; code: number };

/**
 * The component runner's one decision: given where the process stands and what happened, where
 * it stands next and what to do. The stop steps run once, whatever asked for them first; a
 * second signal while they run exits at once with 128 + the signal's number, as a shell reports
 * a process killed by it (an operator pressing Ctrl-C twice means "now").
 *
 * | phase       | event               | next        | action            |
 * |-------------|---------------------|-------------|-------------------|
 * | starting    | started             | running     | none              |
 * | starting    | start-failed        | stopping(1) | stop              |
 * | starting    | SIGTERM             | stopping(0) | stop (mid-start)  |
 * | running     | SIGINT              | stopping(0) | stop              |
 * | running     | stop-requested(1)   | stopping(1) | stop              |
 * | stopping(0) | SIGINT              | exiting     | exit 130          |
 * | stopping(0) | SIGTERM             | exiting     | exit 143          |
 * | stopping(c) | started, start-failed, stop-requested | stopping(c) | none |
 * | stopping(0) | stopped, clean      | exiting     | exit 0            |
 * | stopping(0) | stopped, a step failed | exiting  | exit 1            |
 * | exiting     | anything            | exiting     | none              |
 */
export function nextRunStep(phase: RunPhase, event: RunEvent): { phase: RunPhase; action: RunAction } {
  const stay = { phase, action: { type: 'none' } } as const;
  switch (phase.name) {
    case 'starting':
    case 'running':
      if (event.type === 'started') return phase.name === 'starting' ? { phase: { name: 'running' }, action: { type: 'none' } } : stay;
      if (event.type === 'start-failed') return phase.name === 'starting' ? stopWith(EXIT_FAILED) : stay;
      if (event.type === 'signal') return stopWith(EXIT_OK);
      if (event.type === 'stop-requested') return stopWith(event.code);
      return stay;
    case 'stopping':
      if (event.type === 'signal') return { phase: { name: 'exiting' }, action: { type: 'exit', code: signalExitCode(event.signal) } };
      if (event.type === 'stopped') return { phase: { name: 'exiting' }, action: { type: 'exit', code: event.clean ? phase.code : Math.max(phase.code, EXIT_FAILED) } };
      return stay;
    case 'exiting':
      return stay;
  }
}

/** The exit code of a process ended by `signal`, as shells report it: 128 + its number. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + SIGNAL_NUMBERS[signal];
}

function stopWith(code: number): { phase: RunPhase; action: RunAction } {
  return { phase: { name: 'stopping', code }, action: { type: 'stop' } };
}
