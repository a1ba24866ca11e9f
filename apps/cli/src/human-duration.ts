/**
 * Formats an age the way kubectl's AGE column does (apimachinery `duration.HumanDuration`): precise
 * while small, coarser as it grows, never more than two units.
 *
 * Worked examples: 90 s -> `90s` (seconds up to 2 minutes); 200 s -> `3m20s` (minutes and seconds
 * under 10 minutes); 45 min -> `45m` (minutes under 3 hours); 200 min -> `3h20m` (under 8 hours);
 * 30 h -> `30h` (hours under 2 days); 100 h -> `4d4h` (under 8 days); 400 days -> `400d` (under 2
 * years); 1,000 days -> `2y270d` (under 8 years); 3,000 days -> `8y`. A clock up to 1 s ahead
 * of the server reads as `0s`; further ahead is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1_000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** The AGE cell of a resource created at `createdAt` (ISO), or `<unknown>` when unset. */
export function age(createdAt: string | undefined, now: number): string {
  const t = createdAt ? Date.parse(createdAt) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}
