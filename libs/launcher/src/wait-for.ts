/**
 * Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`
 * with `what` in the message. For conditions that become true eventually (a node turning Ready).
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, lastError ? { cause: lastError } : undefined);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
