/**
 * A JSON text as a tree of spans: where each value starts and ends, and the exact whitespace
 * between its parts. The layout-keeping formatter (jsonLayout.ts) reuses these spans verbatim.
 * The text must already be valid JSON (JSON.parse succeeded); this scanner only records offsets.
 */
export type JsonNode =
  | { kind: 'scalar'; start: number; end: number }
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] };

/** An object member: its key as written spans keyStart…keyEnd (quotes included). */
export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export function parseJsonTree(text: string): JsonNode {
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++; // closing quote
  };
  const value = (): JsonNode => {
    skipWhitespace();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: JsonMember[] = [];
      skipWhitespace();
      if (text[i] === '}') return { kind: 'object', start, end: ++i, members };
      for (;;) {
        skipWhitespace();
        const keyStart = i;
        skipString();
        const keyEnd = i;
        const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
        skipWhitespace();
        i++; // colon
        members.push({ key, keyStart, keyEnd, value: value() });
        skipWhitespace();
        if (text[i++] === '}') return { kind: 'object', start, end: i, members };
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      skipWhitespace();
      if (text[i] === ']') return { kind: 'array', start, end: ++i, items };
      for (;;) {
        items.push(value());
        skipWhitespace();
        if (text[i++] === ']') return { kind: 'array', start, end: i, items };
      }
    }
    if (c === '"') skipString();
    else while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    return { kind: 'scalar', start, end: i };
  };
  return value();
}
