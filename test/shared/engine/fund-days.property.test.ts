import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, dayOfWeek, toDayNumber } from "../../../shared/dates.ts";
import { divideRounded, pow10 } from "../../../shared/decimal.ts";
import { firstAnchor, recomputeFrom, rollFund } from "../../../shared/engine/fund-days.ts";
import { divideHalfEven, divisor } from "../../../shared/engine/rounding.ts";
import type {
  Distribution,
  FeeChange,
  FlowFact,
  FundDay,
  FundLedger,
  HoldingsMark,
  StakingReward,
  TransferFact,
} from "../../../shared/engine/types.ts";

const BASE = "2024-01-01";
const SPAN = 60;
const RUNS = { numRuns: 200 };

/** Facts with day offsets from BASE; offsets go 10 days before it so prices can precede listing. */
interface Facts {
  prices: [number, bigint][];
  flows: (Omit<FlowFact, "date"> & { offset: number })[];
  holdings: (Omit<HoldingsMark, "date"> & { offset: number })[];
  transfers: (Omit<TransferFact, "date"> & { offset: number })[];
  stakingRewards: (Omit<StakingReward, "date"> & { offset: number })[];
  distributions: (Omit<Distribution, "date"> & { offset: number })[];
  feeChanges: (Omit<FeeChange, "date"> & { offset: number })[];
}

function factsArbitrary(decimals: number): fc.Arbitrary<Facts> {
  const offset = fc.integer({ min: -10, max: SPAN });
  const coins = (digits: number) =>
    fc.bigInt({ min: -pow10(decimals + digits), max: pow10(decimals + digits) });
  return fc.record({
    prices: fc.array(fc.tuple(offset, fc.bigInt({ min: 1n, max: pow10(13) })), { maxLength: 70 }),
    flows: fc.uniqueArray(
      fc.record({
        offset,
        netFlowUsd: fc.bigInt({ min: -pow10(12), max: pow10(12) }),
        units: fc.option(coins(4)),
        status: fc.constantFrom("final" as const, "provisional" as const),
      }),
      { selector: (flow) => flow.offset, maxLength: 30 },
    ),
    holdings: fc.uniqueArray(fc.record({ offset, units: fc.bigInt({ min: 0n, max: pow10(decimals + 6) }) }), {
      selector: (mark) => mark.offset,
      maxLength: 4,
    }),
    transfers: fc.array(fc.record({ offset, units: coins(3) }), { maxLength: 3 }),
    stakingRewards: fc.array(fc.record({ offset, units: fc.bigInt({ min: 1n, max: pow10(decimals + 1) }) }), {
      maxLength: 4,
    }),
    distributions: fc.array(
      fc.oneof(
        fc.record({ offset, usd: fc.bigInt({ min: 1n, max: pow10(9) }), units: fc.constant(null) }),
        fc.record({
          offset,
          usd: fc.constant(null),
          units: fc.bigInt({ min: 1n, max: pow10(decimals + 1) }),
        }),
      ),
      { maxLength: 3 },
    ),
    feeChanges: fc.uniqueArray(
      fc.record({
        offset,
        feeBps: fc.integer({ min: 0, max: 400 }),
        waiver: fc.option(
          fc.record({
            feeBps: fc.integer({ min: 0, max: 100 }),
            until: fc.option(fc.integer({ min: -10, max: SPAN }).map((day) => addDays(BASE, day))),
            upToUsd: fc.option(fc.bigInt({ min: 1n, max: pow10(12) })),
          }),
        ),
      }),
      { selector: (change) => change.offset, maxLength: 3 },
    ),
  });
}

interface Case {
  ledger: FundLedger;
  reportDate: string;
  options: { accrueFees: boolean };
  decimals: number;
}

const caseArbitrary: fc.Arbitrary<Case> = fc.constantFrom(8, 18).chain((decimals) =>
  fc
    .record({
      facts: factsArbitrary(decimals),
      listed: fc.integer({ min: 0, max: 20 }),
      delistedAfter: fc.option(fc.integer({ min: 0, max: 40 })),
      feeBps: fc.integer({ min: 0, max: 400 }),
      holidays: fc.uniqueArray(fc.integer({ min: 0, max: SPAN }), { maxLength: 5 }),
      seedUsd: fc.option(fc.bigInt({ min: 1n, max: pow10(11) })),
      report: fc.integer({ min: SPAN - 20, max: SPAN + 5 }),
      accrueFees: fc.boolean(),
    })
    .map(({ facts, listed, delistedAfter, feeBps, holidays, seedUsd, report, accrueFees }) => {
      const closed = new Set(holidays.map((offset) => addDays(BASE, offset)));
      const ledger: FundLedger = {
        fund: {
          ...{ ticker: "PROP", name: "Property", issuer: "Test", asset: "X", vehicle: "spot_etf" },
          ...{ country: "US", exchange: "XNAS", fee_bps: feeBps, staking_policy: null },
          listed_on: addDays(BASE, listed),
          delisted_on: delistedAfter === null ? null : addDays(BASE, listed + delistedAfter),
        },
        decimals,
        ...withFacts(emptyFacts(), facts, -10),
        seed: seedUsd === null ? null : { date: addDays(BASE, listed), usd: seedUsd },
        isTradingDay: (date) => dayOfWeek(date) % 6 !== 0 && !closed.has(date),
      };
      return { ledger, reportDate: addDays(BASE, report), options: { accrueFees }, decimals };
    }),
);

type LedgerFacts = Pick<FundLedger, "prices" | "flows" | "holdings" | "transfers"> &
  Required<Pick<FundLedger, "stakingRewards" | "distributions" | "feeChanges">>;

function emptyFacts(): LedgerFacts {
  return {
    prices: new Map(),
    flows: [],
    holdings: [],
    transfers: [],
    stakingRewards: [],
    distributions: [],
    feeChanges: [],
  };
}

/** Adds `facts` dated from `fromOffset` on; a new flow or mark replaces one on the same date. */
function withFacts(
  base: Partial<LedgerFacts> & Pick<LedgerFacts, "prices" | "flows" | "holdings" | "transfers">,
  facts: Facts,
  fromOffset: number,
): LedgerFacts {
  const date = (offset: number) => addDays(BASE, fromOffset + offset + 10);
  const dated = <T extends { offset: number }>(list: T[]) =>
    list.map(({ offset, ...rest }) => ({ ...rest, date: date(offset) }));
  const byDate = <T extends { date: string }>(old: readonly T[], restated: T[]) => [
    ...new Map([...old, ...restated].map((fact) => [fact.date, fact])).values(),
  ];
  const prices = new Map(base.prices);
  for (const [offset, close] of facts.prices) prices.set(date(offset), close);
  return {
    prices,
    flows: byDate(base.flows, dated(facts.flows)),
    holdings: byDate(base.holdings, dated(facts.holdings)),
    transfers: [...base.transfers, ...dated(facts.transfers)],
    stakingRewards: [...(base.stakingRewards ?? []), ...dated(facts.stakingRewards)],
    distributions: [...(base.distributions ?? []), ...dated(facts.distributions)],
    feeChanges: byDate(base.feeChanges ?? [], dated(facts.feeChanges)),
  };
}

function flowsUntil(ledger: FundLedger, date: string): bigint {
  return ledger.flows.filter((flow) => flow.date <= date).reduce((sum, flow) => sum + flow.netFlowUsd, 0n);
}

function shuffled<T>(list: readonly T[], keys: number[]): T[] {
  return list
    .map((item, index) => ({ item, key: keys[index % Math.max(keys.length, 1)] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

describe("rollFund properties", () => {
  it("attributes every change of AUM exactly, on every row", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ ledger, reportDate, options }) => {
        const rows = rollFund(ledger, reportDate, options);
        const anchor = firstAnchor(ledger) as string;
        expect(rows.length).toBe(Math.max(0, toDayNumber(reportDate) - toDayNumber(anchor) + 1));
        let previous: FundDay | undefined;
        for (const row of rows) {
          const change = row.aumUsd - (previous?.aumUsd ?? 0n);
          const parts =
            (row.flowEffectUsd ?? 0n) +
            row.marketEffectUsd +
            row.incomeEffectUsd +
            row.distributionEffectUsd +
            row.otherEffectUsd +
            row.feeEffectUsd;
          expect(parts).toBe(change);
          expect(row.incomeEffectUsd >= 0n || (row.priceUsd ?? 0n) < 0n).toBe(true);
          expect(row.distributionEffectUsd <= 0n).toBe(true);
          expect(row.priceUsd === null).toBe(ledger.prices.size === 0);
          expect(row.feeEffectUsd <= 0n && row.feeUnits >= 0n).toBe(true);
          if (!options.accrueFees) expect(row.feeUnits).toBe(0n);
          const mark = ledger.holdings.find((holding) => holding.date === row.date);
          if (mark) expect(row.units).toBe(mark.units);
          else expect(row.residualUnits).toBe(0n);
          previous = row;
        }
      }),
      RUNS,
    );
  });

  it("does not depend on the order of its inputs", () => {
    const shuffledCase = caseArbitrary.chain((testCase) =>
      fc.tuple(fc.constant(testCase), fc.array(fc.integer(), { minLength: 1, maxLength: 50 })),
    );
    fc.assert(
      fc.property(shuffledCase, ([{ ledger, reportDate, options }, keys]) => {
        const reordered: FundLedger = {
          ...ledger,
          prices: new Map(shuffled([...ledger.prices], keys)),
          flows: shuffled(ledger.flows, keys),
          holdings: shuffled(ledger.holdings, keys),
          transfers: shuffled(ledger.transfers, keys),
          stakingRewards: shuffled(ledger.stakingRewards ?? [], keys),
          distributions: shuffled(ledger.distributions ?? [], keys),
          feeChanges: shuffled(ledger.feeChanges ?? [], keys),
        };
        expect(rollFund(reordered, reportDate, options)).toEqual(rollFund(ledger, reportDate, options));
      }),
      RUNS,
    );
  });

  it("recomputes incrementally to the same rows as a full roll after a restatement", () => {
    const restated = caseArbitrary.chain((testCase) =>
      fc.tuple(fc.constant(testCase), fc.integer({ min: -5, max: SPAN }), factsArbitrary(testCase.decimals)),
    );
    fc.assert(
      fc.property(restated, ([{ ledger, reportDate, options }, changedOffset, facts]) => {
        const changedLedger = { ...ledger, ...withFacts(ledger, facts, changedOffset) };
        const before = rollFund(ledger, reportDate, options);
        const after = rollFund(changedLedger, reportDate, options);
        const from = recomputeFrom(changedLedger, addDays(BASE, changedOffset));
        expect(after.filter((row) => row.date < from)).toEqual(before.filter((row) => row.date < from));
        const previous = before.find((row) => row.date === addDays(from, -1));
        if (previous === undefined) return;
        const resumed = rollFund(changedLedger, reportDate, options, { from, previous });
        expect(resumed).toEqual(after.filter((row) => row.date >= from));
      }),
      RUNS,
    );
  });

  it("keeps the cumulative flow equal to the exact sum of reported flows", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ ledger, reportDate, options }) => {
        for (const row of rollFund(ledger, reportDate, options)) {
          expect(row.cumulativeFlowUsd).toBe(flowsUntil(ledger, row.date));
          const flow = ledger.flows.find((candidate) => candidate.date === row.date);
          expect(row.netFlowUsd).toBe(flow?.netFlowUsd ?? null);
        }
      }),
      RUNS,
    );
  });

  it("shows no flow on a missing, holiday or unlisted day when flows come only on trading days", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ ledger, reportDate, options }) => {
        const { listed_on, delisted_on } = ledger.fund;
        const tradable = (date: string) =>
          date >= listed_on && (delisted_on === null || date <= delisted_on) && ledger.isTradingDay(date);
        const valid = { ...ledger, flows: ledger.flows.filter((flow) => tradable(flow.date)) };
        for (const row of rollFund(valid, reportDate, options)) {
          if (row.state !== "final" && row.state !== "provisional") expect(row.netFlowUsd).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it("lands the backward roll on the earliest mark, or below it only when it opened at zero", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ ledger, reportDate, options }) => {
        const rows = rollFund(ledger, reportDate, options);
        const earliest = [...ledger.holdings].sort((a, b) => (a.date < b.date ? -1 : 1))[0];
        const marked = rows.find((row) => row.date === earliest?.date);
        if (!marked || marked === rows[0]) return;
        // Rolled backwards only where no flow comes before the mark (coins held before the first flow).
        if (ledger.flows.some((flow) => flow.date < (earliest?.date ?? ""))) return;
        expect(marked.residualUnits <= 0n).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("engine arithmetic helpers", () => {
  it("rounds half to even exactly as decimal.ts does", () => {
    const by = fc.oneof(fc.integer({ min: 1, max: 30 }).map(pow10), fc.constant(3_650_000n));
    fc.assert(
      fc.property(
        fc.bigInt({ min: -pow10(40), max: pow10(40) }),
        by,
        fc.boolean(),
        (numerator, value, tie) => {
          const exact = tie ? (numerator / value) * value + value / 2n : numerator;
          expect(divideHalfEven(exact, divisor(value))).toBe(divideRounded(exact, value));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
