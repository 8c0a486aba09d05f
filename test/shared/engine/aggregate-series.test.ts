import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../shared/dates.ts";
import {
  type AggregateDay,
  addFundDay,
  emptyAggregateDay,
  groupId,
  groupsOf,
} from "../../../shared/engine/aggregate.ts";
import {
  addFundHistory,
  aggregateFundDays,
  type FundDays,
  finishAggregates,
  startAggregates,
} from "../../../shared/engine/aggregate-series.ts";
import { fundsArbitrary } from "./fund-day-fixtures.ts";

/** The plain definition: every fund row added to each of its groups, one AggregateDay object at a time. */
function reference(funds: readonly FundDays[]): Map<string, AggregateDay> {
  const sums = new Map<string, AggregateDay>();
  for (const { fund, days } of funds) {
    for (const group of groupsOf(fund)) {
      for (const row of days) {
        const id = `${groupId(group)}@${row.date}`;
        const target = sums.get(id) ?? emptyAggregateDay(group, row.date);
        addFundDay(target, row, 1);
        sums.set(id, target);
      }
    }
  }
  return sums;
}

/**
 * Multiplies the last fund's amounts so the int64 fast path cannot prove its sums fit and hands the
 * funds already added over to exact objects.
 */
function enormous(funds: FundDays[]): FundDays[] {
  const k = 2n ** 55n;
  return funds.map(({ fund, days }, i) => ({
    fund,
    days: days.map((day) =>
      i < funds.length - 1
        ? day
        : {
            ...day,
            aumUsd: day.aumUsd * k,
            netFlowUsd: day.netFlowUsd === null ? null : day.netFlowUsd * k,
            flowEffectUsd: day.flowEffectUsd === null ? null : day.flowEffectUsd * k,
            marketEffectUsd: day.marketEffectUsd * k,
            otherEffectUsd: day.otherEffectUsd * k,
            cumulativeFlowUsd: day.cumulativeFlowUsd * k,
          },
    ),
  }));
}

describe("aggregateFundDays", () => {
  it("equals the row-by-row sums, on the int64 fast path and past it", () => {
    fc.assert(
      fc.property(fundsArbitrary, fc.boolean(), (generated, huge) => {
        const funds = huge ? enormous(generated) : generated;
        const expected = reference(funds);
        for (const { days } of aggregateFundDays(funds)) {
          for (const day of days) {
            const sum = expected.get(`${groupId(day)}@${day.date}`) ?? emptyAggregateDay(day, day.date);
            expect(day).toEqual(sum);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("rebuilds a window alone, equal to the same days of a full build", () => {
    const withCut = fundsArbitrary.chain((funds) => fc.tuple(fc.constant(funds), fc.nat({ max: 80 })));
    fc.assert(
      fc.property(withCut, ([funds, cut]) => {
        const full = aggregateFundDays(funds);
        const first = full[0]?.days[0]?.date ?? "2024-01-01";
        const last = full[0]?.days.at(-1)?.date ?? first;
        const from = addDays(first, cut);
        const builder = startAggregates(from, last);
        for (const { fund, days } of funds) addFundHistory(builder, fund, days);
        const window = new Map(finishAggregates(builder).map((s) => [groupId(s), s.days]));
        for (const series of full) {
          const expected = series.days.filter((day) => day.date >= from);
          expect(window.get(groupId(series)) ?? []).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("returns nothing for no rows", () => {
    expect(aggregateFundDays([])).toEqual([]);
  });
});
