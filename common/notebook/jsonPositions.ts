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

/**
 * Where a JSON text first goes wrong. JSON.parse's messages do not always carry a position
 * (Node 20 often says only "Unexpected token"), so a small strict scanner finds it.
 */
export function syntaxErrorPosition(text: string, message = ''): TextPosition {
  const position = /position (\d+)/.exec(message);
  if (position) return positionAt(text, Number(position[1]));
  return positionAt(text, firstSyntaxErrorOffset(text));
}

export function firstSyntaxErrorOffset(text: string): number {
  let i = 0;
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') {
      string();
    } else {
      const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (!literal) fail();
      i += literal![0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch (error) {
    if (error instanceof Stop) return i;
    throw error;
  }
}
