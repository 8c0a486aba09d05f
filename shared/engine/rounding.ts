// Half-even rounding by fixed positive even divisors, the engine's hot path: it divides a few times
// per fund-day. decimal.ts divideRounded is the reference these must agree with (a property test checks).
import { PRICE_SCALE, pow10, USD_SCALE } from "../decimal.ts";

export interface Divisor {
  value: bigint;
  half: bigint;
  negativeHalf: bigint;
  /** Low bits every exact tie (an odd multiple of half) ends with: see divideHalfEven. */
  tieMask: bigint;
  tieBits: bigint;
}

export function divisor(value: bigint): Divisor {
  if (value <= 0n || value % 2n !== 0n) throw new RangeError("divisor must be positive and even");
  const half = value / 2n;
  let tieBits = 1n;
  while (half % (tieBits * 2n) === 0n) tieBits *= 2n;
  return { value, half, negativeHalf: -half, tieMask: tieBits * 2n - 1n, tieBits };
}

/**
 * numerator / divisor, rounded half to even. Rounding half away from zero costs one division and
 * agrees with half-even except on exact ties. A tie is an odd multiple of half, so its lowest bits
 * equal half's lowest set bit; a bit test clears almost every numerator without a remainder.
 */
export function divideHalfEven(numerator: bigint, by: Divisor): bigint {
  if ((numerator & by.tieMask) !== by.tieBits) {
    return (numerator < 0n ? numerator + by.negativeHalf : numerator + by.half) / by.value;
  }
  return divideExactly(numerator, by);
}

function divideExactly(numerator: bigint, { value, half, negativeHalf }: Divisor): bigint {
  const quotient = numerator / value;
  const remainder = numerator % value;
  if (remainder > half || (remainder === half && (quotient & 1n) === 1n)) return quotient + 1n;
  if (remainder < negativeHalf || (remainder === negativeHalf && (quotient & 1n) === 1n))
    return quotient - 1n;
  return quotient;
}

/** Units at `decimals` × a price at scale 8 → cents: the divisor of that product. */
export function unitsPriceToCents(decimals: number): Divisor {
  return divisor(pow10(decimals + PRICE_SCALE - USD_SCALE));
}
