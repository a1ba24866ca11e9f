/**
 * Whether the control plane serving `/healthz` at `metricsUrl` (`http://host:port`) is the
 * elected leader; false when it does not answer within `timeoutMs`.
 */
export async function isLeading(metricsUrl: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`${metricsUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return ((await res.json()) as { leader?: boolean }).leader === true;
  } catch {
    return false;
  }
}
