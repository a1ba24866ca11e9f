/**
 * Tells until when a pool may not scale down: `cooldownSeconds` after its last scale-up, or
 * undefined when it may scale down now (no scale-up on record, or the cooldown is over).
 *
 *   last scale-up 10:00, cooldown 300 s, now 10:03 -> until 10:05 (hold)
 *   last scale-up 10:00, cooldown 300 s, now 10:05 -> undefined (scale down)
 */
export function scaleDownBlockedUntil(lastScaleUpAt: Date | string | undefined, now: Date, cooldownSeconds: number): Date | undefined {
  if (lastScaleUpAt === undefined) return undefined;
  const last = typeof lastScaleUpAt === 'string' ? Date.parse(lastScaleUpAt) : lastScaleUpAt.getTime();
  if (Number.isNaN(last)) return undefined;
  const until = last + cooldownSeconds * 1000;
  return now.getTime() < until ? new Date(until) : undefined;
}
