/**
 * Declarative configuration from flags and environment. Each setting names its flag, its
 * environment variable, its default and one line of doc, so `--help` and the README are
 * generated from the same table the code reads.
 */
export interface Setting<T> {
  flag: string;
  env: string;
  default: T;
  doc: string;
  /** Smallest value a number setting accepts (inclusive). */
  min?: number;
  /** Largest value a number setting accepts (inclusive). */
  max?: number;
}

export type Settings = Record<string, Setting<string> | Setting<number> | Setting<boolean>>;

export type Resolved<S extends Settings> = { [K in keyof S]: S[K]['default'] };

/** Thrown for a malformed flag or value; the message names the flag. */
export class ConfigError extends Error {}

/** Parses `--flag value` / `--flag=value` from argv, then env, then defaults, in that order. */
export function loadConfig<S extends Settings>(settings: S, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Resolved<S> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const setting = Object.values(settings).find((s) => s.flag === name);
    if (!setting) throw new ConfigError(`unknown flag --${name}`);
    if (eq > 0) flags.set(name, arg.slice(eq + 1));
    else if (typeof setting.default === 'boolean' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) flags.set(name, 'true');
    else if (argv[i + 1] === undefined) throw new ConfigError(`flag --${name} needs a value`);
    else flags.set(name, argv[++i]!);
  }
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const raw = flags.get(setting.flag) ?? env[setting.env];
    out[key] = raw === undefined ? setting.default : parseValue(setting, raw);
  }
  return out as Resolved<S>;
}

function parseValue(setting: Setting<unknown>, raw: string): string | number | boolean {
  if (typeof setting.default === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`--${setting.flag} (${setting.env}) must be a number, got "${raw}"`);
    if ((setting.min !== undefined && n < setting.min) || (setting.max !== undefined && n > setting.max)) throw new ConfigError(`--${setting.flag} (${setting.env}) must be ${rangeText(setting.min, setting.max)}, got ${raw}`);
    return n;
  }
  if (typeof setting.default === 'boolean') {
    if (!['true', 'false', '1', '0'].includes(raw)) throw new ConfigError(`--${setting.flag} (${setting.env}) must be true or false, got "${raw}"`);
    return raw === 'true' || raw === '1';
  }
  return raw;
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

/** One line per setting, for `--help`. */
export function describeSettings(settings: Settings): string {
  return Object.values(settings)
    .map((s) => `  --${s.flag.padEnd(24)} ${s.env.padEnd(30)} ${s.doc} (default: ${JSON.stringify(s.default)})`)
    .join('\n');
}
