import { describeSettings, loadConfig, type Resolved, type Settings } from './config';

/** What a component's command line asks for: its help, a run with these settings, or nothing but a usage error. */
export type CommandLine<S extends Settings> = { kind: 'help' } | { kind: 'run'; config: Resolved<S> } | { kind: 'usage-error'; message: string };

/** How a component describes itself on its command line. */
export interface CommandLineSpec<S extends Settings> {
  /** Program name, the prefix of its usage errors: `cell-agent: --cell is required`. */
  name: string;
  /** One line saying what the component is: the first line of `--help`. */
  summary: string;
  /** The usage line; default `<name> [--flag value ...]`. */
  usage?: string;
  settings: S;
  /** Checks what the settings table cannot say (a required flag, one of a few words); a throw is a usage error. */
  check?: (config: Resolved<S>) => void;
}

const HELP_FLAGS: readonly string[] = ['--help', '-h'];

/**
 * Reads a component's command line. `--help` or `-h` anywhere asks for help before anything else
 * is read, so help is reachable beside a bad flag or a bad environment value. Otherwise the
 * settings come from flags, then environment, then defaults (loadConfig), and `check` runs on
 * them; whatever either throws is a usage error naming the flag.
 *
 * Example: `['--cell']` -> usage error "flag --cell needs a value"; `['--cell', 'c1', '-h']` -> help.
 */
export function readCommandLine<S extends Settings>(spec: Pick<CommandLineSpec<S>, 'settings' | 'check'>, argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine<S> {
  if (argv.some((arg) => HELP_FLAGS.includes(arg))) return { kind: 'help' };
  try {
    const config = loadConfig(spec.settings, argv, env);
    spec.check?.(config);
    return { kind: 'run', config };
  } catch (err) {
    return { kind: 'usage-error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** The text of `--help`: the summary, the usage line, then every setting with its flag, environment variable, default and doc. */
export function helpText(spec: Pick<CommandLineSpec<Settings>, 'name' | 'summary' | 'usage' | 'settings'>): string {
  const help = `  ${'-h, --help'.padEnd(26)} ${''.padEnd(30)} print this help and exit`;
  return `${spec.summary}\n\nUsage: ${spec.usage ?? `${spec.name} [--flag value ...]`}\n\n${help}\n${describeSettings(spec.settings)}\n`;
}

/** What a usage error prints on stderr: the message after the program's name, and where to look. */
export function usageErrorText(name: string, message: string): string {
  return `${name}: ${message}\nRun with --help to list the settings.\n`;
}
