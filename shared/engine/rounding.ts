// Half-even rounding by fixed positive divisors, the engine's hot path: it divides a few times per
// fund-day. decimal.ts divideRounded is the reference these must agree with (a property test checks).
import { PRICE_SCALE, pow10, USD_SCALE } from "../decimal.ts";

export interface Divisor {
  value: bigint;
  half: bigint;
  negativeHalf: bigint;
}

export function divisor(value: bigint): Divisor {
  if (value <= 0n || value % 2n !== 0n) throw new RangeError("divisor must be positive and even");
  return { value, half: value / 2n, negativeHalf: -value / 2n };
}

/** numerator / divisor, rounded half to even. */
export function divideHalfEven(numerator: bigint, { value, half, negativeHalf }: Divisor): bigint {
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
