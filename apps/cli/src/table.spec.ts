import { describe, expect, it } from 'vitest';
import { columnWidths, formatRow, formatTable, StreamingTable } from './table';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell plus three spaces', () => {
    expect(formatTable(['NAME', 'CELL', 'AGE'], [['gpu-a', 'us-east', '3d'], ['b', 'eu', '10m']])).toBe(
      ['NAME    CELL      AGE', 'gpu-a   us-east   3d', 'b       eu        10m', ''].join('\n'),
    );
  });

  it('prints just the header for no rows, and never trailing spaces', () => {
    expect(formatTable(['NAME', 'AGE'], [])).toBe('NAME   AGE\n');
    expect(formatTable(['A', 'B'], [['x', '']])).toBe('A   B\nx\n');
  });
});

describe('columnWidths and formatRow', () => {
  it.each<[string[][], number[]]>([
    [[], []],
    [[['ab', 'c']], [2, 1]],
    [[['a', 'bbb'], ['cc', 'd']], [2, 3]],
  ])('%j -> %j', (rows, widths) => {
    expect(columnWidths(rows)).toEqual(widths);
  });

  it('formats one row against given widths', () => {
    expect(formatRow(['a', 'b', 'c'], [3, 1, 9])).toBe('a     b   c');
  });
});

describe('StreamingTable', () => {
  it('prints the header once, keeps the initial widths and grows for wider cells', () => {
    const table = new StreamingTable(['NAME', 'PHASE'], [['n-1', 'Ready']]);
    expect(table.lines([['n-1', 'Ready']])).toBe('NAME   PHASE\nn-1    Ready\n');
    expect(table.lines([['n-2', 'NotReady']])).toBe('n-2    NotReady\n');
    expect(table.lines([['node-long', 'Ready']])).toBe('node-long   Ready\n');
    expect(table.lines([])).toBe('');
  });

  it('prints the header with the first event when the initial list was empty', () => {
    const table = new StreamingTable(['NAME', 'PHASE']);
    expect(table.lines([])).toBe('');
    expect(table.lines([['a', 'Ready']])).toBe('NAME   PHASE\na      Ready\n');
  });
});
