/**
 * The grader's side of the plain-value encoding (see plainValues.ts): a value from the solution's
 * process decoded into a tree the grader compares itself.
 */
export type PlainValue =
  | null
  | boolean
  | string
  | { kind: 'number'; value: number | bigint }
  | { kind: 'list' | 'tuple' | 'set' | 'frozenset'; items: PlainValue[] }
  | { kind: 'dict'; entries: Array<[PlainValue, PlainValue]> }
  | { kind: 'bytes'; base64: string }
  | { kind: 'complex'; real: PlainValue; imag: PlainValue };

const SEQUENCE_TAGS = { $tuple: 'tuple', $set: 'set', $frozenset: 'frozenset' } as const;

/** Decodes an encoded value; throws an Error naming what is wrong. */
export function decodePlainValue(data: unknown): PlainValue {
  if (data === null || typeof data === 'boolean' || typeof data === 'string') return data;
  if (typeof data === 'number') return { kind: 'number', value: data };
  if (Array.isArray(data)) return { kind: 'list', items: data.map(decodePlainValue) };
  if (typeof data === 'object') {
    const entries = Object.entries(data);
    if (entries.length === 1) {
      const [tag, inner] = entries[0]!;
      if (tag === '$int' && typeof inner === 'string' && /^-?\d+$/.test(inner))
        return { kind: 'number', value: BigInt(inner) };
      if (tag === '$float' && typeof inner === 'string')
        return { kind: 'number', value: Number(inner.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN')) };
      if (tag in SEQUENCE_TAGS && Array.isArray(inner))
        return { kind: SEQUENCE_TAGS[tag as keyof typeof SEQUENCE_TAGS], items: inner.map(decodePlainValue) };
      if (tag === '$dict' && Array.isArray(inner) && inner.every((pair) => Array.isArray(pair) && pair.length === 2)) {
        return {
          kind: 'dict',
          entries: inner.map(([k, v]: [unknown, unknown]) => [decodePlainValue(k), decodePlainValue(v)]),
        };
      }
      if (tag === '$bytes' && typeof inner === 'string') return { kind: 'bytes', base64: inner };
      if (tag === '$complex' && Array.isArray(inner) && inner.length === 2)
        return { kind: 'complex', real: decodePlainValue(inner[0]), imag: decodePlainValue(inner[1]) };
    }
  }
  throw new Error(`not a plain-value encoding: ${JSON.stringify(data)?.slice(0, 100)}`);
}

function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === typeof b) return a === b;
  const [big, small] = typeof a === 'bigint' ? [a, b as number] : [b as bigint, a];
  return Number.isInteger(small) && BigInt(small) === big;
}

/**
 * Whether the solution's value equals a test's expected JSON value, as LiveCodeBench compares
 * call results: numbers by value (1 equals 1.0, exactly), tuples as lists, dicts with string keys
 * as objects; booleans are not numbers, sets and bytes match nothing in JSON.
 */
export function plainValueEquals(actual: PlainValue, expected: unknown): boolean {
  if (actual === null || typeof actual === 'boolean' || typeof actual === 'string') return actual === expected;
  switch (actual.kind) {
    case 'number':
      return typeof expected === 'number' && numbersEqual(actual.value, expected);
    case 'list':
    case 'tuple':
      return (
        Array.isArray(expected) &&
        expected.length === actual.items.length &&
        actual.items.every((item, i) => plainValueEquals(item, expected[i]))
      );
    case 'dict': {
      if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) return false;
      const wanted = Object.entries(expected);
      if (wanted.length !== actual.entries.length) return false;
      const byKey = new Map<string, PlainValue>();
      for (const [key, value] of actual.entries) {
        if (typeof key !== 'string') return false;
        byKey.set(key, value);
      }
      return wanted.every(([key, value]) => byKey.has(key) && plainValueEquals(byKey.get(key)!, value));
    }
    default:
      return false;
  }
}

/** A short Python-like rendering for a failure's reason. */
export function showPlainValue(value: PlainValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  switch (value.kind) {
    case 'number':
      return String(value.value);
    case 'list':
      return `[${value.items.map(showPlainValue).join(', ')}]`;
    case 'tuple':
      return `(${value.items.map(showPlainValue).join(', ')}${value.items.length === 1 ? ',' : ''})`;
    case 'set':
    case 'frozenset':
      return `${value.kind}({${value.items.map(showPlainValue).join(', ')}})`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${showPlainValue(k)}: ${showPlainValue(v)}`).join(', ')}}`;
    case 'bytes':
      return `bytes(base64 ${value.base64})`;
    case 'complex':
      return `complex(${showPlainValue(value.real)}, ${showPlainValue(value.imag)})`;
  }
}
