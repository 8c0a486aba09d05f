// Fund rows for aggregate tests, built so each fund's own identity holds to the cent: whatever is not
// flow or market goes to `other`, as the per-fund roll does with opening holdings.
import fc from "fast-check";
import { addDays } from "../../../shared/dates.ts";
import type { DayState, Fund, Vehicle } from "../../../shared/domain.ts";
import type { FundDay } from "../../../shared/engine/types.ts";
import type { FundDays } from "./group-series.ts";

export function makeFund(ticker: string, fields: Partial<Fund> = {}): Fund {
  return {
    ticker,
    name: `${ticker} Trust`,
    issuer: "Issuer",
    asset: "BTC",
    vehicle: "spot_etf",
    country: "US",
    exchange: "XNAS",
    listed_on: "2024-01-01",
    delisted_on: null,
    fee_bps: 25,
    staking_policy: null,
    ...fields,
  };
}

export interface DaySpec {
  state: DayState;
  /** Reported flow in cents; only read for final and provisional days. */
  flow?: bigint;
  aum: bigint;
  market?: bigint;
}

/** Whole dollars to cents, and the day specs the hand-computed examples are written in. */
export const usd = (dollars: number) => BigInt(dollars * 100);
export const hol = (aum: number, market = 0): DaySpec => ({
  state: "holiday",
  aum: usd(aum),
  market: usd(market),
});
export const fin = (flow: number, aum: number): DaySpec => ({
  state: "final",
  flow: usd(flow),
  aum: usd(aum),
});
export const miss = (aum: number): DaySpec => ({ state: "missing", aum: usd(aum) });
export const prov = (flow: number, aum: number): DaySpec => ({
  state: "provisional",
  flow: usd(flow),
  aum: usd(aum),
});

/** One row per spec, on consecutive calendar days from `start`. */
export function fundDays(start: string, specs: readonly DaySpec[]): FundDay[] {
  let previousAum = 0n;
  let cumulative = 0n;
  return specs.map((spec, i) => {
    const reported = spec.state === "final" || spec.state === "provisional";
    const flow = reported ? (spec.flow ?? 0n) : null;
    const market = spec.market ?? 0n;
    cumulative += flow ?? 0n;
    const other = spec.aum - previousAum - (flow ?? 0n) - market;
    previousAum = spec.aum;
    return {
      date: addDays(start, i),
      state: spec.state,
      priceUsd: 1n,
      priceStale: false,
      units: spec.aum,
      aumUsd: spec.aum,
      netFlowUsd: flow,
      flowEffectUsd: flow,
      marketEffectUsd: market,
      otherEffectUsd: other,
      feeEffectUsd: 0n,
      incomeEffectUsd: 0n,
      distributionEffectUsd: 0n,
      residualUnits: 0n,
      transferUnits: 0n,
      feeUnits: 0n,
      incomeUnits: 0n,
      distributionUnits: 0n,
      cumulativeFlowUsd: cumulative,
    };
  });
}

const cents = (limit: number) => fc.integer({ min: -limit, max: limit }).map(BigInt);

export const daySpecArbitrary: fc.Arbitrary<DaySpec> = fc.record({
  state: fc.constantFrom<DayState>(
    "final",
    "final",
    "final",
    "provisional",
    "missing",
    "holiday",
    "not_listed",
  ),
  flow: fc.oneof(cents(5_000_000_00), fc.constant(0n)),
  aum: fc.integer({ min: 0, max: 1_000_000_000_00 }).map(BigInt),
  market: cents(10_000_000_00),
});

/** A few funds in overlapping groups, starting on different days, all rolled to one last date. */
export const fundsArbitrary: fc.Arbitrary<FundDays[]> = fc
  .record({
    start: fc.integer({ min: 0, max: 800 }).map((offset) => addDays("2023-11-20", offset)),
    length: fc.integer({ min: 1, max: 70 }),
    funds: fc.array(
      fc.record({
        asset: fc.constantFrom("BTC", "ETH"),
        issuer: fc.constantFrom("BlackRock", "Fidelity", "Grayscale"),
        country: fc.constantFrom("US", "CA"),
        vehicle: fc.constantFrom<Vehicle>("spot_etf", "trust"),
        lateBy: fc.nat({ max: 40 }),
        specs: fc.array(daySpecArbitrary, { minLength: 70, maxLength: 70 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map(({ start, length, funds }) =>
    funds.map(({ lateBy, specs, ...groups }, i) => {
      const late = Math.min(lateBy, length - 1);
      return {
        fund: makeFund(`F${i}`, groups),
        days: fundDays(addDays(start, late), specs.slice(late, length)),
      };
    }),
  );
