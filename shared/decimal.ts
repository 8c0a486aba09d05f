// Exact decimal arithmetic on scaled bigints. A value v at scale s means v / 10^s.
// USD amounts live at scale 2 (cents), prices at scale 8, coin units at the asset's decimals.

export const USD_SCALE = 2;
export const PRICE_SCALE = 8;

const DECIMAL_PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/;

const powersOfTen: bigint[] = [];
export function pow10(exponent: number): bigint {
  let power = powersOfTen[exponent];
  if (power === undefined) {
    power = 10n ** BigInt(exponent);
    powersOfTen[exponent] = power;
  }
  return power;
}

/** Why a decimal input was refused, for error messages. */
export type DecimalProblem =
  | "not a decimal number"
  | typeof HAS_SPACES
  | `more than ${number} decimal places`;

const HAS_SPACES = 'contains a space; send the number alone, such as "5.00"';

/**
 * Reads a decimal string or JSON number exactly at `scale` decimal places.
 * Refuses exponents, blanks, spaces anywhere (" 5.00", "5 .00": a stray space is a sign of a cell
 * pasted wrong, never part of an amount) and more fractional digits than the scale allows
 * (trailing zeros beyond the scale are fine: "1.500" at scale 2 is 150).
 */
export function parseDecimal(input: string | number, scale: number): bigint | DecimalProblem {
  const text = typeof input === "number" ? numberToPlainString(input) : input;
  if (text === undefined) return "not a decimal number";
  if (/\s/.test(text)) return HAS_SPACES;
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return "not a decimal number";
  const [, sign, whole = "0", rawFraction = ""] = match;
  const fraction = rawFraction.replace(/0+$/, "");
  if (fraction.length > scale) return `more than ${scale} decimal places`;
  const magnitude = BigInt(whole) * pow10(scale) + BigInt(fraction.padEnd(scale, "0") || "0");
  return sign === "-" ? -magnitude : magnitude;
}

/** JSON numbers are accepted as the shortest string that round-trips, never with an exponent. */
function numberToPlainString(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Math.abs(value) < 1) return undefined; // 1e-7 and smaller: too precise to be a price or amount
  return BigInt(Math.round(value)).toString();
}

/** Canonical text of a scaled value: always `scale` decimal places, "-" only when negative. */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}

/** numerator / denominator rounded half to even (banker's rounding), exact. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  let quotient = numerator / denominator;
  const remainder = numerator - quotient * denominator;
  if (remainder === 0n) return quotient;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  const step = numerator < 0n ? -1n : 1n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n !== 0n)) {
    quotient += step;
  }
  return quotient;
}

/** Moves a scaled value from one scale to another, rounding half to even when precision drops. */
export function rescale(value: bigint, from: number, to: number): bigint {
  if (to >= from) return value * pow10(to - from);
  return divideRounded(value, pow10(from - to));
}

/** units (scale `unitScale`) × price (scale 8), rounded to cents. */
export function unitsTimesPriceUsd(units: bigint, unitScale: number, price: bigint): bigint {
  return rescale(units * price, unitScale + PRICE_SCALE, USD_SCALE);
}

/** USD cents ÷ price (scale 8), as units at `unitScale`, rounded half to even. */
export function usdToUnits(cents: bigint, price: bigint, unitScale: number): bigint {
  return divideRounded(cents * pow10(unitScale + PRICE_SCALE - USD_SCALE), price);
}

export function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
