import { describe, expect, it } from 'vitest';
import { staleAnswers } from './response-windows';

describe('staleAnswers', () => {
  const windows = [
    { from: 5, to: 9, allowed: new Set(['v2']), label: 'after v2' },
    { from: 20, to: Infinity, allowed: new Set(['v4']), label: 'after v4' },
  ];

  // Mirrors the example in response-windows.ts.
  it.each([
    { name: 'old version inside a window', answers: [{ sentAt: 6, version: 'v1' }], want: { total: 1, byWindow: { 'after v2': 1 } } },
    { name: 'old version while rolling', answers: [{ sentAt: 4, version: 'v1' }], want: { total: 0, byWindow: {} } },
    { name: 'the allowed version', answers: [{ sentAt: 7, version: 'v2' }], want: { total: 0, byWindow: {} } },
    { name: 'window end is exclusive', answers: [{ sentAt: 9, version: 'v1' }], want: { total: 0, byWindow: {} } },
    {
      name: 'several',
      answers: [
        { sentAt: 5, version: 'v1' },
        { sentAt: 25, version: 'v2' },
        { sentAt: 99, version: 'v2' },
      ],
      want: { total: 3, byWindow: { 'after v2': 1, 'after v4': 2 } },
    },
  ])('$name', ({ answers, want }) => {
    expect(staleAnswers(answers, windows)).toEqual(want);
  });
});
