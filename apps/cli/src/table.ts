/** Space between columns, as kubectl's tabwriter pads them. */
const GAP = 3;

/** Width of each column: the longest cell in it. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/** One table line, each cell padded to its column's width, without trailing spaces. */
export function formatRow(row: readonly string[], widths: readonly number[]): string {
  return row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + GAP))).join('').trimEnd();
}

/**
 * Formats rows as an aligned table, header first: `NAME    CELL ...` with columns three spaces
 * apart, as `kubectl get` prints them. Ends with a newline.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = columnWidths(all);
  return all.map((row) => formatRow(row, widths)).join('\n') + '\n';
}

/**
 * Rows printed one at a time as watch events arrive: columns keep the widths of the rows printed
 * before (the initial list), and only grow when a wider cell comes, since printed lines cannot move.
 */
export class StreamingTable {
  private widths: number[];
  private headerPrinted = false;

  constructor(private readonly header: readonly string[], initialRows: readonly (readonly string[])[] = []) {
    this.widths = columnWidths([header, ...initialRows]);
  }

  /** The lines to print for the next rows (the header first, the first time). */
  lines(rows: readonly (readonly string[])[]): string {
    if (rows.length === 0) return '';
    this.widths = columnWidths([this.widths.map((w) => ' '.repeat(w)), ...rows]);
    const out = this.headerPrinted ? rows : [this.header, ...rows];
    this.headerPrinted = true;
    return out.map((row) => formatRow(row, this.widths)).join('\n') + '\n';
  }
}
