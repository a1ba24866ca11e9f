import { KIND_NAMES, KINDS } from '@helios/api';
import type { OperatorApi } from '@helios/operator-client';
import { Command, Option } from 'commander';
import type { CliContext } from './cli-context';
import { applyCommand } from './commands/apply';
import { deleteCommand } from './commands/delete';
import { describeCommand } from './commands/describe';
import { getCommand } from './commands/get';
import { rolloutActionCommand, rolloutHistoryCommand, rolloutStatusCommand, rolloutUndoCommand } from './commands/rollout';
import { scaleCommand } from './commands/scale';
import { tokenCreateCommand, tokenDeleteCommand, tokenListCommand } from './commands/token';
import type { ManifestSource } from './manifest-documents';
import { OUTPUT_FORMATS } from './output-format';
import { parseDuration } from './parse-duration';

/** The outside world the program runs against; main.ts supplies the real one. */
export interface ProgramIo {
  out(text: string): void;
  err(text: string): void;
  now(): number;
  connect(address: string, timeoutMs: number): OperatorApi;
  readSources(paths: readonly string[]): Promise<ManifestSource[]>;
  onInterrupt(onInterrupt: () => void): () => void;
}

/** The default control plane address: the local fleet's (`npm start`). */
export const DEFAULT_SERVER = '127.0.0.1:50051';

interface GlobalOptions {
  server: string;
  timeout: string;
}

const KIND_HELP = `KIND is one of ${KIND_NAMES.map((k) => KINDS[k].aliases.join('|')).join(', ')}`;
const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Builds the `helios` command line. Commands run against a context made from the global options
 * at action time; the API connection is opened on first use and closed when the action ends.
 */
export function buildProgram(io: ProgramIo): Command {
  const program = new Command('helios')
    .description('Operate a Helios GPU fleet: apply manifests; get, describe and delete resources; scale and roll out deployments; make the tokens nodes join with.')
    .addOption(new Option('--server <address>', 'control plane gRPC address (host:port)').env('HELIOS_SERVER').default(DEFAULT_SERVER))
    .addOption(new Option('--timeout <duration>', 'deadline of each request: 500ms, 10s, 1m, or 0 for none').default('10s'))
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .allowExcessArguments(false)
    .showSuggestionAfterError(true);

  const run = <A extends unknown[]>(action: (ctx: CliContext, ...args: A) => Promise<void>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const timeoutMs = parseDuration(globals.timeout);
      let api: OperatorApi | undefined;
      const ctx: CliContext = {
        out: io.out,
        err: io.err,
        now: io.now,
        readSources: io.readSources,
        onInterrupt: io.onInterrupt,
        api: () => (api ??= io.connect(globals.server, timeoutMs)),
      };
      try {
        await action(ctx, ...(args.slice(0, -1) as A));
      } finally {
        api?.close();
      }
    };

  program
    .command('apply')
    .summary('create or update resources from manifests')
    .description('Create or update resources from manifests (YAML or JSON, several documents per file)')
    .option('-f, --filename <path>', 'manifest file, directory, or - for stdin (repeatable)', collect, [])
    .option('--dry-run', 'validate on the server, write nothing', false)
    .action(run((ctx, options: { filename: string[]; dryRun: boolean }) => applyCommand(ctx, options)));

  program
    .command('get')
    .summary('list resources, or show some by name')
    .description(`List resources, or show some by name. ${KIND_HELP}`)
    .argument('<kind>', 'resource type')
    .argument('[names...]', 'resource names')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('-l, --selector <selector>', 'label selector: key=value[,key=value]')
    .option('--cell <cell>', 'only pools or nodes of this cell')
    .option('--deployment <deployment>', 'only replicas of this deployment')
    .option('-w, --watch', 'after listing, print changes as they happen (Ctrl-C stops)', false)
    .action(run((ctx, kind: string, names: string[], options: Parameters<typeof getCommand>[3]) => getCommand(ctx, kind, names, options)));

  program
    .command('describe')
    .summary('show resources in detail')
    .description(`Show resources in detail: metadata, spec, status, conditions. ${KIND_HELP}`)
    .argument('<kind>', 'resource type')
    .argument('[names...]', 'resource names (all when omitted)')
    .option('-l, --selector <selector>', 'label selector: key=value[,key=value]')
    .option('--cell <cell>', 'cell of the pool or node')
    .option('--deployment <deployment>', 'deployment of the replica')
    .action(run((ctx, kind: string, names: string[], options: Parameters<typeof describeCommand>[3]) => describeCommand(ctx, kind, names, options)));

  program
    .command('delete')
    .summary('delete resources by name or by manifest')
    .description(`Delete resources by name or by manifest. ${KIND_HELP}`)
    .argument('[kind]', 'resource type')
    .argument('[names...]', 'resource names')
    .option('-f, --filename <path>', 'delete the resources in this manifest (repeatable)', collect, [])
    .option('--cell <cell>', 'cell of the pool or node')
    .option('--deployment <deployment>', 'deployment of the replica')
    .option('--ignore-not-found', 'treat an absent resource as deleted', false)
    .action(run((ctx, kind: string | undefined, names: string[], options: Parameters<typeof deleteCommand>[3]) => deleteCommand(ctx, kind, names, options)));

  program
    .command('scale')
    .summary("set a deployment's number of replicas")
    .description('Set the number of replicas of a deployment: helios scale deployment/NAME --replicas N')
    .argument('<deployment...>', 'deployment/NAME (or: deployment NAME)')
    .option('--replicas <count>', 'the number of replicas wanted')
    .action(run((ctx, words: string[], options: Parameters<typeof scaleCommand>[2]) => scaleCommand(ctx, words, options)));

  const rollout = program
    .command('rollout')
    .summary("manage a deployment's rollout")
    .description("Manage a deployment's rollout: watch its status, list its revisions, undo, pause, resume or restart it.");
  rollout
    .command('status')
    .summary('watch a rollout until it completes or fails')
    .description('Print the rollout progress of a deployment as it changes, until it completes (exit 0) or fails (exit 1: rolled back automatically or past its progress deadline).')
    .argument('<deployment...>', 'deployment/NAME')
    .action(run((ctx, words: string[]) => rolloutStatusCommand(ctx, words)));
  rollout
    .command('history')
    .summary('list the recorded revisions')
    .description('List the revisions recorded in the status of a deployment, or show one in full with --revision.')
    .argument('<deployment...>', 'deployment/NAME')
    .option('--revision <n>', 'show this revision in full')
    .action(run((ctx, words: string[], options: { revision?: string }) => rolloutHistoryCommand(ctx, words, options)));
  rollout
    .command('undo')
    .summary('roll back to the previous or a named revision')
    .description("Put the template of the previous revision (or of --to-revision N) back into the deployment's spec; it rolls out like any change.")
    .argument('<deployment...>', 'deployment/NAME')
    .option('--to-revision <n>', 'the revision to return to (default: the previous one)')
    .action(run((ctx, words: string[], options: { toRevision?: string }) => rolloutUndoCommand(ctx, words, options)));
  for (const [verb, summary] of [
    ['pause', 'stop a rollout where it is'],
    ['resume', 'let a paused rollout go on'],
    ['restart', 'replace every replica by a rolling update of the same template'],
  ] as const) {
    rollout
      .command(verb)
      .summary(summary)
      .description(`${summary.charAt(0).toUpperCase()}${summary.slice(1)}: helios rollout ${verb} deployment/NAME`)
      .argument('<deployment...>', 'deployment/NAME')
      .action(run((ctx, words: string[]) => rolloutActionCommand(ctx, verb, words)));
  }

  const token = program
    .command('token')
    .summary('manage the bootstrap tokens nodes join with')
    .description('Manage bootstrap tokens: a node joins its cell with one (NodeService.Join) and gets its credential in exchange.');
  token
    .command('create')
    .summary('make a token; it is printed once')
    .description('Make a bootstrap token for a cell (and optionally one pool), single-use unless --uses says otherwise; the token is printed once on stdout.')
    .option('--cell <cell>', 'the cell a node joining with it belongs to (need not exist yet)')
    .option('--pool <pool>', 'a joining node must name this pool')
    .option('--uses <n>', 'joins it allows, 1 to 1000 (default 1)')
    .option('--ttl <duration>', 'lifetime, 1m to 168h (default 1h)')
    .option('--description <text>', 'what it is for')
    .action(run((ctx, options: Parameters<typeof tokenCreateCommand>[1]) => tokenCreateCommand(ctx, options)));
  token
    .command('list')
    .summary('list the tokens that can still be used')
    .description('List the bootstrap tokens that can still be used (never their secrets).')
    .option('--cell <cell>', 'only the tokens of this cell')
    .action(run((ctx, options: { cell?: string }) => tokenListCommand(ctx, options)));
  token
    .command('delete')
    .summary('delete a token')
    .description('Delete a bootstrap token by its id (the part before the dot): it can no longer be used.')
    .argument('<id>', 'token id')
    .action(run((ctx, id: string) => tokenDeleteCommand(ctx, id)));

  return program;
}
