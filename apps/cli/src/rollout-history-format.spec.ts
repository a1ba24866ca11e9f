import { Deployment } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { formatRevision, formatRolloutHistory } from './rollout-history-format';

const NOW = Date.parse('2025-01-04T00:00:00.000Z');
const web = Deployment.fromPartial({
  metadata: { name: 'web' },
  status: {
    revision: 3,
    stableRevision: 2,
    history: [
      { revision: 3, templateHash: 'c', template: { command: ['model-server', '--version=v2'], annotations: { 'helios.dev/restartedAt': '2025-01-03T23:00:00Z' } }, createdAt: '2025-01-03T23:00:00.000Z' },
      { revision: 1, templateHash: 'a', template: { command: ['model-server', '--version=v1'] }, createdAt: '2025-01-01T00:00:00.000Z' },
      { revision: 2, templateHash: 'b', template: { image: 'registry/model:v2' }, createdAt: '2025-01-03T00:00:00.000Z' },
    ],
  },
});

describe('formatRolloutHistory', () => {
  it('lists revisions oldest first, marking current and stable', () => {
    expect(formatRolloutHistory(web, NOW)).toBe(
      [
        'deployment/web',
        'REVISION   STATE     AGE   TEMPLATE',
        '1          -         3d    model-server --version=v1',
        '2          stable    24h   registry/model:v2',
        '3          current   60m   model-server --version=v2 (restarted 2025-01-03T23:00:00Z)',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing is recorded yet', () => {
    expect(formatRolloutHistory(Deployment.fromPartial({ metadata: { name: 'web' } }), NOW)).toBe('deployment/web\nNo revisions recorded yet.\n');
  });
});

describe('formatRevision', () => {
  it('prints one revision as YAML, or nothing for an unknown one', () => {
    expect(formatRevision(web, 2)).toBe(
      [
        'deployment/web revision 2',
        'templateHash: b',
        'createdAt: 2025-01-03T00:00:00.000Z',
        'template:',
        '  image: registry/model:v2',
        '',
      ].join('\n'),
    );
    expect(formatRevision(web, 9)).toBeUndefined();
  });
});
