/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false (which it
 * resolves to), or throws after `timeoutMs` with `what` in the message and the last error `check`
 * threw as the cause. For conditions that become true eventually (a node turning Ready), in
 * tests, benchmarks and the local fleet alike.
 *
 * The default timeout stays under vitest's 30 s test timeout, so a wait that never ends fails with
 * what it waited for rather than a bare test timeout; waits across processes pass longer ones,
 * and a slower interval where each check costs the polled process a request.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, intervalMs = 20): Promise<T> {
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
