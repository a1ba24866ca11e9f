/**
 * Replica processes are started as leaders of their own process group (spawn's `detached`), so
 * a signal reaches everything a replica started: a shell wrapper's children, a server's
 * workers. Without that, SIGKILL of a `sh -c` wrapper would leave the real server running on
 * its port and GPUs.
 *
 * The groups still alive are remembered so that when this process exits (normally, or after
 * an uncaught error) it kills them: a node agent, or a test, that goes away must not leave
 * replicas behind. A SIGKILLed agent cannot do this: the next one on the host reaps what it
 * left from the runtime's state directory (GroupRecords, reapOrphanGroups).
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Remembers a replica's process group, to kill it if this process exits first. */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
}

/** Forgets a group that has exited. */
export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Process groups of replicas still alive in this process. */
export function trackedGroups(): number {
  return liveGroups.size;
}

/** Sends a signal to every process of a group; false when none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is gone. EPERM cannot happen for our own children.
    return false;
  }
}
