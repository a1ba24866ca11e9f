import type { Watcher } from 'etcd3';

// etcd3 waits for etcd to confirm a cancel, which never comes while etcd is unreachable; a
// shutdown must not hang on that.
const CANCEL_WAIT_MS = 2_000;

/** Cancels an etcd3 watcher, ignoring failures and giving up waiting for etcd after 2 s. */
export async function cancelWatcher(watcher: Watcher): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([watcher.cancel(), new Promise<void>((resolve) => (timer = setTimeout(resolve, CANCEL_WAIT_MS)))]);
  } catch {
    // A watcher whose stream is already gone cannot be cancelled; it is gone either way.
  } finally {
    clearTimeout(timer);
  }
}
