import { ConfigError, describeSettings, loadConfig, type Resolved, type Setting, type Settings } from '@helios/config';
import { Teardown } from '@helios/launcher';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The settings of `npm run bench:<bench>` from its flags and environment, or the exit code when
 * there is nothing to run: 0 after printing the usage (--help), 2 after a usage error.
 */
export function benchSettings<S extends Settings & { help: Setting<boolean> }>(bench: string, settings: S): Resolved<S> | number {
  let resolved: Resolved<S>;
  try {
    resolved = loadConfig(settings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`bench:${bench}: ${err.message}\n\n${describeSettings(settings)}`);
    return 2;
  }
  if (resolved.help) {
    console.log(`usage: npm run bench:${bench} -- [flags]\n\n${describeSettings(settings)}`);
    return 0;
  }
  return resolved;
}

/** Where a benchmark run keeps its files, and what undoes the run. */
export interface BenchWorkspace {
  workDir: string;
  /** `<workDir>/logs`, created. */
  logs: string;
  /** Its first step (run last) removes the work dir, unless it is kept. */
  teardown: Teardown;
}

/**
 * A fresh work dir for one run of `bench:<bench>` and its teardown; SIGINT or SIGTERM runs the
 * teardown and exits 130, so an interrupted benchmark leaves no process behind.
 */
export function benchWorkspace(bench: string, keep: boolean, say: (line: string) => void): BenchWorkspace {
  const workDir = mkdtempSync(join(tmpdir(), `helios-bench-${bench}-`));
  const logs = join(workDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const teardown = new Teardown(say);
  if (!keep) teardown.add('removing the work dir', () => rmSync(workDir, { recursive: true, force: true }));
  const onSignal = () => {
    say('interrupted; stopping everything');
    void teardown.run().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { workDir, logs, teardown };
}

/**
 * Runs a benchmark's main and exits with its code; an error it throws is printed as one line
 * (and its cause) and exits `errorCode`, never as a stack trace.
 */
export function runBench(bench: string, main: () => Promise<number>, errorCode = 1): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`bench:${bench}: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof Error && err.cause) console.error(`  cause: ${err.cause instanceof Error ? err.cause.message : String(err.cause)}`);
      process.exit(errorCode);
    },
  );
}
