// CSV for the ERP and for spreadsheets: RFC 4180 quoting, CRLF line ends, and cells that a spreadsheet
// would run as a formula (=, @, tab, CR, or +/- followed by anything but a number) prefixed with '.
export type Cell = string | number | boolean | null | undefined | Date;

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

function defuse(value: string): string {
  if (/^[=@\t\r]/.test(value)) return `'${value}`;
  if (/^[+-]/.test(value) && !/^[+-][0-9][0-9 .,]*$/.test(value)) return `'${value}`;
  return value;
}

export function csvCell(cell: Cell): string {
  const value = typeof cell === 'string' ? defuse(cell) : text(cell);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
