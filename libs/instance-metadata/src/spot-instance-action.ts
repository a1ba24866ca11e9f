/** A pending spot interruption, as IMDS `latest/meta-data/spot/instance-action` reports it. */
export interface SpotInstanceAction {
  /** What EC2 will do to the instance; Helios launches spot with `terminate`. */
  action: 'terminate' | 'stop' | 'hibernate';
  /** When EC2 will act, about two minutes after the notice appears. */
  time: Date;
}

const ACTIONS = new Set(['terminate', 'stop', 'hibernate']);

/**
 * Parses the body of IMDS `spot/instance-action`, e.g.
 * `{"action": "terminate", "time": "2026-03-01T08:22:00Z"}`; throws, naming the problem, on
 * anything else.
 */
export function parseSpotInstanceAction(body: string): SpotInstanceAction {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new Error(`spot/instance-action is not JSON: ${JSON.stringify(body.slice(0, 200))}`, { cause });
  }
  if (typeof json !== 'object' || json === null) throw new Error(`spot/instance-action is not an object: ${body.slice(0, 200)}`);
  const { action, time } = json as { action?: unknown; time?: unknown };
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    throw new Error(`spot/instance-action has unknown action ${JSON.stringify(action)}`);
  }
  const when = typeof time === 'string' ? new Date(time) : undefined;
  if (when === undefined || Number.isNaN(when.getTime())) {
    throw new Error(`spot/instance-action has an unreadable time ${JSON.stringify(time)}`);
  }
  return { action: action as SpotInstanceAction['action'], time: when };
}
