import { createLogger, helpText, readCommandLine, usageErrorText, type CommandLineSpec, type Logger, type Resolved, type Settings } from '@helios/config';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, STOP_SIGNALS, nextRunStep, type RunEvent, type RunPhase } from './run-phase';
import { Teardown } from './teardown';

/** What a component's start is handed besides its settings. */
export interface RunningComponent {
  /** The component's logger (its name as `component`). */
  readonly logger: Logger;
  /** True once the component is being stopped: what exits now was asked to. */
  readonly stopping: boolean;
  /**
   * Registers how to stop something the start has started. On a signal, a failed start or
   * `stop()`, the steps run once, last-registered first, so register each thing as soon as it
   * exists: a start that fails or is interrupted half-way stops exactly what it had started.
   */
  onStop(what: string, step: () => Promise<unknown> | unknown): void;
  /** Stops the component as a signal would, then exits with `code`: for work that failed while running. */
  stop(code: number, reason: string): void;
}

/** A component process: its command line, and how it starts. */
export interface ComponentSpec<S extends Settings> extends CommandLineSpec<S> {
  /** Starts the component; resolves once it runs. Everything it starts is registered with `onStop`. */
  start(config: Resolved<S>, component: RunningComponent): Promise<void>;
}

// A process exits this long after its last stop step at the latest: time for the log transport
// to flush, while open handles (an etcd client still retrying) cannot keep a stopped process alive.
const EXIT_FLUSH_MS = 100;
// A failed start gives its stop steps this long: unlike an operator, nobody will send the second
// signal when a step hangs on an unreachable etcd.
const FAILED_START_STOP_MS = 10_000;

/**
 * Runs `spec` as this process, the same way for every Helios component:
 * - `--help` or `-h` prints the summary, the usage line and every setting (flag, environment
 *   variable, default, doc), and exits 0;
 * - an unknown flag, a bad value or a failed `check` prints `<name>: <message>` and
 *   `Run with --help ...` on stderr, and exits 2;
 * - a start that fails is logged as fatal (and said in one line on stderr), stops what it had
 *   registered, and exits 1;
 * - SIGTERM or SIGINT (even mid-start) runs the stop steps once, last-registered first, and
 *   exits 0, or 1 if a step failed; a second signal meanwhile exits at once, 130 or 143.
 * The decisions are nextRunStep's; this function is their I/O.
 */
export function runComponent<S extends Settings>(spec: ComponentSpec<S>, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): void {
  const line = readCommandLine(spec, argv, env);
  if (line.kind === 'help') {
    process.stdout.write(helpText(spec));
    process.exitCode = EXIT_OK;
    return;
  }
  if (line.kind === 'usage-error') {
    process.stderr.write(usageErrorText(spec.name, line.message));
    process.exitCode = EXIT_USAGE;
    return;
  }

  const logger = createLogger(spec.name);
  const teardown = new Teardown((text, err) => logger.error({ err }, text));
  let phase: RunPhase = { name: 'starting' };
  const dispatch = (event: RunEvent, report: (action: 'stop' | 'exit') => void = () => undefined): void => {
    const next = nextRunStep(phase, event);
    phase = next.phase;
    if (next.action.type === 'stop') {
      report('stop');
      void teardown.run().then((clean) => dispatch({ type: 'stopped', clean }));
    } else if (next.action.type === 'exit') {
      report('exit');
      exit(next.action.code, event.type === 'signal');
    }
  };

  for (const signal of STOP_SIGNALS) {
    process.on(signal, () =>
      dispatch({ type: 'signal', signal }, (action) =>
        action === 'stop' ? logger.info({ signal }, 'shutting down') : logger.warn({ signal }, 'second signal while stopping: exiting at once'),
      ),
    );
  }
  const component: RunningComponent = {
    logger,
    get stopping() {
      return phase.name === 'stopping' || phase.name === 'exiting';
    },
    onStop: (what, step) => teardown.add(what, step),
    stop: (code, reason) => dispatch({ type: 'stop-requested', code }, () => logger.warn({ reason, code }, 'shutting down')),
  };
  spec.start(line.config, component).then(
    () => dispatch({ type: 'started' }),
    (err: unknown) =>
      dispatch({ type: 'start-failed' }, () => {
        logger.fatal({ err }, 'failed to start');
        process.stderr.write(`${spec.name}: ${describeError(err)}\n`);
        process.exitCode = EXIT_FAILED;
        setTimeout(() => exit(EXIT_FAILED, true), FAILED_START_STOP_MS).unref();
      }),
  );
}

/** Exits with `code`: at once, or once the log is flushed and at most EXIT_FLUSH_MS from now. */
function exit(code: number, now: boolean): void {
  if (now) process.exit(code);
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_FLUSH_MS).unref();
}

/** An error's message followed by its causes': `starting the control plane: listen EADDRINUSE ...`. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 10; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(': ');
}
