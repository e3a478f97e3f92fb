/**
 * IEEE 754 binary16 ("half precision") conversion, for the per-token signals file. Node 20 has
 * no Float16Array, so values are rounded here: to the nearest half, ties to even, computed on
 * the double itself (no detour through float32, which could round twice).
 *
 * Precision: a normal half (magnitude 2^-14 to 65504) has 11 significant bits, so the decoded
 * value is within 2^-11 of the original, relatively; below 2^-14 (subnormal) within 2^-25
 * absolutely. Magnitudes from 65520 on become ±Infinity; NaN is stored as 0x7E00.
 */

export const HALF_NAN = 0x7e00;
const HALF_INFINITY = 0x7c00;
/** Halfway between the largest half (65504) and the next power of two: rounds up to infinity. */
const OVERFLOW = 65520;
const SMALLEST_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The binary16 bits of the half nearest to `value`. */
export function toHalf(value: number): number {
  if (value !== value) return HALF_NAN;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= OVERFLOW) return sign | HALF_INFINITY;
  // Scaling by powers of two is exact, so each rounding below is the only one.
  if (magnitude < SMALLEST_NORMAL) return sign | roundHalfEven(magnitude / SUBNORMAL_STEP);
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  else if (2 ** (exponent + 1) <= magnitude) exponent++;
  let mantissa = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  if (exponent > 15) return sign | HALF_INFINITY;
  return sign | ((exponent + 15) << 10) | mantissa;
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
