/** One CSV record: its fields and the 1-based line it starts on (a quoted field may span lines). */
export interface CsvRow {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes, "" for a quote inside a
 * quoted field, CRLF or LF line ends, line breaks allowed inside quotes. A quote that is never
 * closed makes the rest of the file one damaged record, reported at the line it started.
 */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let error: string | undefined;
  const endRow = () => {
    fields.push(field);
    rows.push(error ? { line: rowLine, fields, error } : { line: rowLine, fields });
    fields = [];
    field = '';
    error = undefined;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      const start = line;
      i++;
      let closed = false;
      while (i < text.length) {
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      if (!closed) {
        rows.push({
          line: rowLine,
          fields: [...fields, field],
          error: `a quoted field opened on line ${start} is never closed`,
        });
        return rows;
      }
      // Text between a closing quote and the next separator is malformed; keep it but say so.
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        error ??= `unexpected text after a closing quote on line ${line}`;
        field += text[i++];
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
