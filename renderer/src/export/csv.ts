/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted; numbers keep full precision. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const field = (value: string | number | null): string => {
    if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
