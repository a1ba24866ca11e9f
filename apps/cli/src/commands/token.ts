import type { BootstrapToken } from '@helios/api';
import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-error';
import { humanDuration } from '../human-duration';
import { parseDuration } from '../parse-duration';
import { formatTable } from '../table';

/** Options of `helios token create`. */
export interface TokenCreateOptions {
  cell?: string;
  pool?: string;
  uses?: string;
  ttl?: string;
  description?: string;
}

/**
 * `helios token create --cell C [--pool P] [--uses N] [--ttl 1h] [--description D]`: prints the
 * token alone on stdout (`TOKEN=$(helios token create --cell c1)` works) and what it allows, with
 * the hint that it is shown once, on stderr. The server checks the bounds (1-1,000 uses, 1 minute
 * to 7 days).
 */
export async function tokenCreateCommand(ctx: CliContext, options: TokenCreateOptions): Promise<void> {
  if (!options.cell) throw new UsageError('token create needs --cell C: the cell a node joining with the token belongs to');
  if (options.uses !== undefined && !/^\d+$/.test(options.uses)) throw new UsageError(`--uses "${options.uses}": expected a whole number of joins, 1 to 1000`);
  const ttlMs = options.ttl === undefined ? 0 : parseDuration(options.ttl, '--ttl');
  if (options.ttl !== undefined && ttlMs % 1000 !== 0) throw new UsageError(`--ttl "${options.ttl}": expected whole seconds, 1m to 168h`);
  const created = await ctx.api().createBootstrapToken({
    cell: options.cell,
    pool: options.pool ?? '',
    uses: Number(options.uses ?? 0),
    ttlSeconds: ttlMs / 1000,
    description: options.description ?? '',
  });
  const info = created.info;
  ctx.out(`${created.token}\n`);
  if (info) {
    const uses = info.usesLeft === 1 ? '1 join' : `${info.usesLeft} joins`;
    ctx.err(`token ${info.id}: cell ${info.cell}${info.pool ? `, pool ${info.pool}` : ''}, ${uses}, expires in ${expiresIn(info, ctx.now())}.\n`);
  }
  ctx.err('Give it to the node that joins with it (e.g. in the user-data of its VM): it is not shown again.\n');
}

/** `helios token list [--cell C]`: the tokens that can still be used, without their secrets. */
export async function tokenListCommand(ctx: CliContext, options: { cell?: string }): Promise<void> {
  const { tokens } = await ctx.api().listBootstrapTokens({ cell: options.cell ?? '' });
  if (tokens.length === 0) {
    ctx.err(options.cell ? `No bootstrap tokens for cell ${options.cell}.\n` : 'No bootstrap tokens.\n');
    return;
  }
  const now = ctx.now();
  const rows = tokens.map((t) => [t.id, t.cell, t.pool || '<any>', String(t.usesLeft), expiresIn(t, now), t.description]);
  ctx.out(formatTable(['ID', 'CELL', 'POOL', 'USES LEFT', 'EXPIRES IN', 'DESCRIPTION'], rows));
}

/** `helios token delete ID`: the token can no longer be used. */
export async function tokenDeleteCommand(ctx: CliContext, id: string): Promise<void> {
  await ctx.api().deleteBootstrapToken({ id });
  ctx.out(`token ${id} deleted\n`);
}

function expiresIn(token: BootstrapToken, now: number): string {
  const at = token.expireTime ? Date.parse(token.expireTime) : NaN;
  return Number.isNaN(at) ? '<unknown>' : humanDuration(at - now);
}
