/**
 * Rows as Go's tabwriter writes Docker's tables (minimum cell width 10,
 * padding 3): every column but the last padded to its widest cell.
 */
export function tabTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 10, cell.length + 3);
    });
  }
  return rows
    .map((row) => `${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('')}\n`)
    .join('');
}
