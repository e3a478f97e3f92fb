/**
 * The configuration a harness reads from fd 3, in Python's marshal format (the subset for JSON-like
 * values: None, bool, int, float, str, list, dict). `marshal.loads` is built in, where `json`
 * would cost each sandboxed interpreter the import of `re` (a third of its start-up here).
 * Only the grader writes it; the harness never reads marshal data the candidate made.
 */
export function pythonMarshal(value: unknown): Buffer {
  const parts: Buffer[] = [];
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const write = (v: unknown): void => {
    if (v === null || v === undefined) parts.push(Buffer.from('N'));
    else if (v === true) parts.push(Buffer.from('T'));
    else if (v === false) parts.push(Buffer.from('F'));
    else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)
      parts.push(Buffer.from('i'), int32(v));
    else if (typeof v === 'number' && Number.isSafeInteger(v)) writeLong(BigInt(v));
    else if (typeof v === 'number') {
      const b = Buffer.alloc(9);
      b.write('g');
      b.writeDoubleLE(v, 1);
      parts.push(b);
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      parts.push(Buffer.from('u'), int32(bytes.length), bytes);
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from('['), int32(v.length));
      v.forEach(write);
    } else if (typeof v === 'object') {
      parts.push(Buffer.from('{'));
      for (const [key, item] of Object.entries(v)) {
        write(key);
        write(item);
      }
      parts.push(Buffer.from('0'));
    } else throw new Error(`cannot pass a ${typeof v} to Python`);
  };
  // An int beyond 32 bits: sign and count of 15-bit digits, least significant first.
  const writeLong = (n: bigint) => {
    const digits: number[] = [];
    for (let rest = n < 0n ? -n : n; rest > 0n; rest >>= 15n) digits.push(Number(rest & 0x7fffn));
    const b = Buffer.alloc(digits.length * 2);
    digits.forEach((d, i) => b.writeUInt16LE(d, i * 2));
    parts.push(Buffer.from('l'), int32(n < 0n ? -digits.length : digits.length), b);
  };
  write(value);
  return Buffer.concat(parts);
}
