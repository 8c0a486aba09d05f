import { describe, expect, it } from "vitest";
import { divideRounded, formatDecimal, parseDecimal } from "../../shared/decimal.ts";

describe("decimal", () => {
  it("parses strings and numbers exactly", () => {
    expect(parseDecimal("111.7", 2)).toBe(11170n);
    expect(parseDecimal(-95.1, 2)).toBe(-9510n);
    expect(parseDecimal("1.005", 2)).toBe("more than 2 decimal places");
    expect(parseDecimal("1e5", 2)).toBe("not a decimal number");
    expect(formatDecimal(-5n, 2)).toBe("-0.05");
    expect(divideRounded(5n, 2n)).toBe(2n);
    expect(divideRounded(-7n, 2n)).toBe(-4n);
  });
});
