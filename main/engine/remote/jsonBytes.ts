/**
 * Pieces of JSON's grammar read from UTF-8 bytes, for readers that take a known shape of JSON
 * straight from the received bytes (completionEvents.ts). Each returns the index after what it
 * read, or −1 where JSON.parse would read something else or refuse it; numbers go to numberRead.
 */

const QUOTE = 34;
const COMMA = 44;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const UPPER_E = 69;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const LOWER_U = 117;
const isDigit = (c: number | undefined) => c !== undefined && c >= ZERO && c <= NINE;

/** Steps over the rest of a JSON string whose opening quote is before `from`; the index after its closing quote, or −1. */
export function skipJsonString(bytes: Buffer, from: number, end: number): number {
  for (let i = from; i < end;) {
    const c = bytes[i]!;
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) {
      i += 1;
      continue;
    }
    const escaped = bytes[i + 1];
    if (escaped === LOWER_U) {
      for (let k = 2; k < 6; k++) if (!isHexDigit(bytes[i + k])) return -1;
      i += 6;
    } else if (escaped !== undefined && SIMPLE_ESCAPES.has(escaped)) i += 2;
    else return -1;
  }
  return -1;
}

const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, SLASH, ...Buffer.from('bfnrt')]);
const isHexDigit = (c: number | undefined) =>
  c !== undefined && (isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));

/** The value of the number read last (one reused slot: no object per number). */
export const numberRead = new Float64Array(1);

/**
 * Reads a JSON integer without a sign into numberRead (ids and bytes); the index after it, or −1
 * for anything else, leading zeros and integers past 2^53 included (JSON.parse would round them).
 */
export function readUnsignedInteger(bytes: Buffer, from: number): number {
  let i = from;
  let c = bytes[i];
  if (!isDigit(c) || (c === ZERO && isDigit(bytes[i + 1]))) return -1;
  let value = 0;
  do {
    value = value * 10 + (c! - ZERO);
    c = bytes[++i];
  } while (isDigit(c));
  if (value > Number.MAX_SAFE_INTEGER) return -1;
  numberRead[0] = value;
  return i;
}

/**
 * Steps over a list of unsigned integers separated by commas (a JSON array's items from `from`,
 * after its bracket), without their values (a candidate's bytes: ~7 integers per candidate, 20
 * candidates per token, where a call and a value per integer were a quarter of the event
 * reader's time). Any size is accepted, as JSON.parse accepts it; leading zeros are not. The
 * index of the closing bracket, or −1.
 */
export function skipUnsignedList(bytes: Buffer, from: number): number {
  let i = from;
  let c = bytes[i];
  if (c === CLOSE_BRACKET) return i;
  for (;;) {
    if (c === ZERO) c = bytes[++i];
    else if (c !== undefined && c > ZERO && c <= NINE) {
      do c = bytes[++i];
      while (c !== undefined && c >= ZERO && c <= NINE);
    } else return -1;
    if (c === COMMA) c = bytes[++i];
    else return c === CLOSE_BRACKET ? i : -1;
  }
}

/** Exact powers of ten as doubles (10^22 is the largest). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Reads a JSON number at `from` into numberRead; the index after it, −1 if there is none.
 * Digits that fit a double exactly over a power of ten up to 10^22 are divided directly: both
 * are exact and the division is correctly rounded, so the result is the double JSON.parse gives
 * (Clinger's fast path); anything longer, or with an exponent, goes through Number().
 */
export function readJsonNumber(bytes: Buffer, from: number): number {
  let i = from;
  let c = bytes[i];
  const negative = c === MINUS;
  if (negative) c = bytes[++i];
  let digits = 0;
  if (c === ZERO) c = bytes[++i];
  else if (isDigit(c)) {
    do {
      digits = digits * 10 + (c! - ZERO);
      c = bytes[++i];
    } while (isDigit(c));
  } else return -1;
  let decimals = 0;
  if (c === DOT) {
    c = bytes[++i];
    if (!isDigit(c)) return -1;
    do {
      digits = digits * 10 + (c! - ZERO);
      decimals += 1;
      c = bytes[++i];
    } while (isDigit(c));
  }
  let exact = digits <= Number.MAX_SAFE_INTEGER && decimals < POWERS_OF_TEN.length;
  if (c === LOWER_E || c === UPPER_E) {
    exact = false;
    c = bytes[++i];
    if (c === PLUS || c === MINUS) c = bytes[++i];
    if (!isDigit(c)) return -1;
    do c = bytes[++i];
    while (isDigit(c));
  }
  if (!exact) numberRead[0] = Number(bytes.toString('latin1', from, i));
  else numberRead[0] = negative ? -(digits / POWERS_OF_TEN[decimals]!) : digits / POWERS_OF_TEN[decimals]!;
  return i;
}
