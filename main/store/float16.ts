/**
 * IEEE 754 binary16 ("half precision") conversion, for the per-token signals file. Node 20 has
 * no Float16Array, so values are rounded here: to the nearest half, ties to even, from the
 * double's own bits (no detour through float32, which could round twice).
 *
 * Precision: a normal half (magnitude 2^-14 to 65504) has 11 significant bits, so the decoded
 * value is within 2^-11 of the original, relatively; below 2^-14 (subnormal) within 2^-25
 * absolutely. Magnitudes from 65520 on become ±Infinity; NaN is stored as 0x7E00.
 */

export const HALF_NAN = 0x7e00;
const HALF_INFINITY = 0x7c00;
const SUBNORMAL_STEP = 2 ** -24;

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The double's bits, read through a shared buffer (little- or big-endian alike: the halves are found below). */
const double = new Float64Array(1);
const words = new Uint32Array(double.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The binary16 bits of the half nearest to `value`. */
export function toHalf(value: number): number {
  double[0] = value;
  const high = words[HIGH]!;
  const low = words[1 - HIGH]!;
  const sign = (high >>> 16) & 0x8000;
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  if (exponent === 1024) return (high & 0xfffff) !== 0 || low !== 0 ? HALF_NAN : sign | HALF_INFINITY;
  if (exponent > 15) return sign | HALF_INFINITY;
  if (exponent >= -14) {
    // The top 10 of the 52 mantissa bits, rounded on the 42 below them, ties to even; a carry
    // runs into the exponent, as it should (up to infinity).
    const top = (high >>> 10) & 0x3ff;
    const rest = high & 0x3ff;
    const up = rest > 0x200 || (rest === 0x200 && (low !== 0 || (top & 1) === 1));
    return sign | ((((exponent + 15) << 10) | top) + (up ? 1 : 0));
  }
  // Subnormal halves: scaling by a power of two is exact, so this is the only rounding.
  return sign | roundHalfEven(Math.abs(value) / SUBNORMAL_STEP);
}

let table: Float64Array | null = null;

/** The value of binary16 bits (a table of all 65536, built on first use). */
export function fromHalf(bits: number): number {
  table ??= buildTable();
  return table[bits & 0xffff]!;
}

function buildTable(): Float64Array {
  const values = new Float64Array(0x10000);
  for (let bits = 0; bits < 0x10000; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) values[bits] = sign * mantissa * SUBNORMAL_STEP;
    else if (exponent === 0x1f) values[bits] = mantissa === 0 ? sign * Infinity : NaN;
    else values[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return values;
}
