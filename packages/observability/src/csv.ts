/** A CSV cell: text, a number, a flag, or empty. */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * A cell as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. Text that
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) is
 * prefixed with `'`, so an exported request path or metadata value cannot execute on a finance
 * team's machine.
 */
function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: the header row, then one line per row, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(cell).join(',')];
  for (const row of rows) lines.push(row.map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
