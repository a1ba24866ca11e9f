import { describe, expect, it } from 'vitest';
import { sendBufferVerdict } from './send-buffer';

const KiB = 1024;
const bound = 4 * 1024 * KiB;

describe('sendBufferVerdict', () => {
  it.each([
    { name: 'nothing waiting', bytes: 0, messages: 0, want: 'keep' },
    { name: '20 changes of 200 KiB (4,000 KiB)', bytes: 20 * 200 * KiB, messages: 20, want: 'keep' },
    { name: 'exactly at the bound', bytes: bound, messages: 8, want: 'keep' },
    { name: 'a 21st change of 200 KiB (4,200 KiB)', bytes: 21 * 200 * KiB, messages: 21, want: 'cut' },
    { name: 'one byte over the bound', bytes: bound + 1, messages: 2, want: 'cut' },
    { name: 'one 5 MiB message on its own', bytes: 5 * 1024 * KiB, messages: 1, want: 'keep' },
    { name: 'a 5 MiB message and one more', bytes: 5 * 1024 * KiB + 100, messages: 2, want: 'cut' },
  ])('$name -> $want', ({ bytes, messages, want }) => {
    expect(sendBufferVerdict({ bytes, messages }, bound)).toBe(want);
  });
});
