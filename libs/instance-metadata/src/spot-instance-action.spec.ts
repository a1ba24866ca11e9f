import { describe, expect, it } from 'vitest';
import { parseSpotInstanceAction } from './spot-instance-action';

describe('parseSpotInstanceAction', () => {
  it.each([
    ['{"action": "terminate", "time": "2026-03-01T08:22:00Z"}', 'terminate', '2026-03-01T08:22:00.000Z'],
    ['{"action":"stop","time":"2026-03-01T08:22:00.000Z"}', 'stop', '2026-03-01T08:22:00.000Z'],
    ['{"action":"hibernate","time":"2026-03-01T10:22:00+02:00"}', 'hibernate', '2026-03-01T08:22:00.000Z'],
  ])('parses %s', (body, action, time) => {
    expect(parseSpotInstanceAction(body)).toEqual({ action, time: new Date(time) });
  });

  it.each([
    ['<html>not json</html>', /not JSON/],
    ['"terminate"', /not an object/],
    ['{"action":"reboot","time":"2026-03-01T08:22:00Z"}', /unknown action "reboot"/],
    ['{"action":"terminate"}', /unreadable time undefined/],
    ['{"action":"terminate","time":"soon"}', /unreadable time "soon"/],
  ])('rejects %s', (body, message) => {
    expect(() => parseSpotInstanceAction(body)).toThrow(message);
  });
});
