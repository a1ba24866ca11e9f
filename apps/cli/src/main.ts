import { CommanderError } from 'commander';
import { CliError } from './cli-error';
import { readAllStdin, readManifestSources } from './manifest-files';
import { connectOperator } from './operator-client';
import { buildProgram, type ProgramIo } from './program';

/**
 * The `helios` CLI's composition root: wires the real stdout, stderr, stdin, clock, files and gRPC
 * into the program, runs it, and turns every failure into one `error: ...` line and an exit code
 * (0 ok, 1 failed, 2 usage). Set HELIOS_DEBUG=1 to also see the stack of an unexpected error.
 */
async function main(argv: string[]): Promise<number> {
  const io: ProgramIo = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    now: () => Date.now(),
    connect: connectOperator,
    readSources: (paths) => readManifestSources(paths, readAllStdin),
    onInterrupt(onInterrupt) {
      process.on('SIGINT', onInterrupt);
      return () => void process.off('SIGINT', onInterrupt);
    },
  };
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    // commander has already printed its own message (unknown option, missing argument, help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.err(`error: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['HELIOS_DEBUG'] && e instanceof Error) io.err(`${e.stack}\n`);
    return 1;
  }
}

// `helios get pools | head -1` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
// A throw inside a stream callback (a watch event) escapes the promise chain; still one line, no stack.
process.on('uncaughtException', (e) => {
  process.stderr.write(`error: ${e.message}\n${process.env['HELIOS_DEBUG'] ? `${e.stack}\n` : ''}`);
  process.exit(1);
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
