/** What a stream holds for its client: queued, or handed to the transport and not yet flushed. */
export interface PendingSends {
  bytes: number;
  messages: number;
}

/**
 * Whether a stream's client keeps up with it: 'cut' once what waits for the client exceeds the
 * bound in bytes. A lone message is never cut, whatever its size, since the transport takes
 * messages whole. With a bound of 4 MiB (4,096 KiB): 20 changes of 200 KiB waiting (4,000 KiB)
 * keep; a 21st (4,200 KiB) cuts; one 5 MiB message on its own keeps.
 */
export function sendBufferVerdict(pending: PendingSends, boundBytes: number): 'keep' | 'cut' {
  if (pending.messages <= 1) return 'keep';
  return pending.bytes > boundBytes ? 'cut' : 'keep';
}
