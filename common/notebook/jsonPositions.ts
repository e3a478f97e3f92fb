/**
 * Where each value of a JSON text starts, by JSON path (`cells[3].window`), so that a schema
 * error found on the parsed value can be shown at its line and column. The text must already be
 * valid JSON (JSON.parse succeeded); this scanner only records offsets.
 */
export interface TextPosition {
  /** 1-based line and column (column counts UTF-16 code units, as editors do). */
  line: number;
  column: number;
  offset: number;
}

export function jsonValueOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    skipWhitespace();
    offsets.set(path, i);
    const c = text[i];
    if (c === '{') {
      i++;
      skipWhitespace();
      if (text[i] === '}') return void i++;
      for (;;) {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        i++; // colon
        value(path ? `${path}.${key}` : key);
        skipWhitespace();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      skipWhitespace();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        value(`${path}[${index}]`);
        skipWhitespace();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  value('');
  return offsets;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

/**
 * The position of the deepest existing value along `path` (a missing field points at the object
 * that should hold it).
 */
export function locatePath(text: string, offsets: Map<string, number>, path: string): TextPosition {
  let probe = path;
  for (;;) {
    const offset = offsets.get(probe);
    if (offset !== undefined) return positionAt(text, offset);
    if (probe === '') return positionAt(text, 0);
    probe = probe.replace(/(^|\.)[^.[\]]*$|\[\d+\]$/, '');
  }
}

/** The position a JSON.parse error names ("… at position 42", or Node's "line 3 column 5"). */
export function syntaxErrorPosition(text: string, message: string): TextPosition {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) {
    const line = Number(lineColumn[1]);
    const column = Number(lineColumn[2]);
    let offset = 0;
    for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
    return { line, column, offset: offset + column - 1 };
  }
  const position = /position (\d+)/.exec(message);
  return positionAt(text, position ? Number(position[1]) : text.length);
}
