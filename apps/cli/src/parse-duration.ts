import { UsageError } from './cli-error';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration flag (`--timeout`) into milliseconds: Go-style `500ms`, `10s`, `1m30s`, `2h`,
 * or a bare number of seconds (`30`). `0` means no limit, as in kubectl's `--request-timeout`.
 * Example: `1m30s` -> 60,000 + 30,000 = 90,000; `1.5s` -> 1,500.
 *
 * @throws UsageError for anything else.
 */
export function parseDuration(text: string, flag = '--timeout'): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1_000);
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(t) ? t.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
  if (!parts) throw new UsageError(`${flag} "${text}": expected a duration like 500ms, 10s, 1m30s or a number of seconds`);
  return Math.round(parts.reduce((ms, part) => {
    const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(part) as unknown as [string, string, string];
    return ms + Number(n) * UNIT_MS[unit]!;
  }, 0));
}
