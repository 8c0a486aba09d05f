import { describe, expect, it } from "vitest";
import { addDays, dayOfWeek } from "../../../shared/dates.ts";
import { parseDecimal } from "../../../shared/decimal.ts";
import type { Fund } from "../../../shared/domain.ts";
import { firstAnchor, recomputeFrom, rollFund } from "../../../shared/engine/fund-days.ts";
import type { FlowFact, FundDay, FundLedger } from "../../../shared/engine/types.ts";

const usd = (text: string) => parseDecimal(text, 2) as bigint;
const price = (text: string) => parseDecimal(text, 8) as bigint;
const btc = (text: string) => parseDecimal(text, 8) as bigint;
const FEES = { accrueFees: true };
const NO_FEES = { accrueFees: false };

function testLedger(fund: Partial<Fund>, facts: Partial<FundLedger> = {}): FundLedger {
  return {
    fund: {
      ticker: "TEST",
      name: "Test Bitcoin Trust",
      issuer: "Test",
      asset: "BTC",
      vehicle: "spot_etf",
      country: "US",
      exchange: "XNAS",
      listed_on: "2024-01-11",
      delisted_on: null,
      fee_bps: 25,
      staking_policy: null,
      ...fund,
    },
    decimals: 8,
    prices: new Map(),
    flows: [],
    holdings: [],
    transfers: [],
    isTradingDay: (date) => dayOfWeek(date) % 6 !== 0,
    ...facts,
  };
}

function flow(date: string, netFlowUsd: string, units: string | null = null, status = "final"): FlowFact {
  return { date, netFlowUsd: usd(netFlowUsd), units: units === null ? null : btc(units), status } as FlowFact;
}

function dailyCloses(from: string, closes: string[]): Map<string, bigint> {
  return new Map(closes.map((close, index) => [addDays(from, index), price(close)]));
}

function rowOn(rows: FundDay[], date: string): FundDay {
  const row = rows.find((candidate) => candidate.date === date);
  if (!row) throw new Error(`no row on ${date}`);
  return row;
}

describe("rollFund", () => {
  it("rolls two days exactly as computed by hand", () => {
    // Day 1, Thu 2024-01-11, close 40,000: +$100,000,000.00 with no units → 2,500 BTC.
    //   Nothing held before, so no fee and no market effect; AUM 2,500 × 40,000 = 100,000,000.00.
    // Day 2, Fri 2024-01-12, close 42,000: −$21,000,000.00 reported with −499.5 BTC.
    //   fee = 2,500 × 25 / 10,000 / 365 = 0.017123287… → 0.01712329 BTC
    //   units = 2,500 − 499.5 − 0.01712329 = 2,000.48287671
    //   AUM = 2,000.48287671 × 42,000 = 84,020,280.82182 → 84,020,280.82
    //   market = 2,500 × (42,000 − 40,000) = 5,000,000.00; fee = −round(0.01712329 × 42,000) = −719.18
    //   other = 84,020,280.82 − 100,000,000 + 21,000,000 − 5,000,000 + 719.18 = 21,000.00:
    //   the source redeemed 0.5 BTC fewer than $21M buys at the close, worth 0.5 × 42,000.
    const ledger = testLedger(
      {},
      {
        prices: dailyCloses("2024-01-11", ["40000", "42000"]),
        flows: [flow("2024-01-11", "100000000"), flow("2024-01-12", "-21000000", "-499.5", "provisional")],
      },
    );
    const [first, second] = rollFund(ledger, "2024-01-12", FEES);
    expect(first).toEqual({
      date: "2024-01-11",
      state: "final",
      priceUsd: price("40000"),
      priceStale: false,
      units: btc("2500"),
      aumUsd: usd("100000000"),
      netFlowUsd: usd("100000000"),
      flowEffectUsd: usd("100000000"),
      marketEffectUsd: 0n,
      incomeEffectUsd: 0n,
      distributionEffectUsd: 0n,
      otherEffectUsd: 0n,
      feeEffectUsd: 0n,
      residualUnits: 0n,
      transferUnits: 0n,
      feeUnits: 0n,
      incomeUnits: 0n,
      distributionUnits: 0n,
      cumulativeFlowUsd: usd("100000000"),
    });
    expect(second).toEqual({
      date: "2024-01-12",
      state: "provisional",
      priceUsd: price("42000"),
      priceStale: false,
      units: btc("2000.48287671"),
      aumUsd: usd("84020280.82"),
      netFlowUsd: usd("-21000000"),
      flowEffectUsd: usd("-21000000"),
      marketEffectUsd: usd("5000000"),
      incomeEffectUsd: 0n,
      distributionEffectUsd: 0n,
      otherEffectUsd: usd("21000"),
      feeEffectUsd: usd("-719.18"),
      residualUnits: 0n,
      transferUnits: 0n,
      feeUnits: btc("0.01712329"),
      incomeUnits: 0n,
      distributionUnits: 0n,
      cumulativeFlowUsd: usd("79000000"),
    });
  });

  it("starts a trust at its holdings mark before listing (GBTC)", () => {
    const ledger = testLedger(
      { ticker: "GBTC", fee_bps: 150 },
      {
        prices: dailyCloses(
          "2023-12-31",
          Array.from({ length: 12 }, () => "42000"),
        ),
        holdings: [{ date: "2023-12-31", units: btc("619220") }],
        flows: [flow("2024-01-11", "-95100000")],
      },
    );
    const rows = rollFund(ledger, "2024-01-11", FEES);
    expect(rows.map((row) => row.date)).toHaveLength(12);
    expect(rows[0]).toMatchObject({
      date: "2023-12-31",
      state: "not_listed",
      units: btc("619220"),
      residualUnits: btc("619220"),
      aumUsd: usd("26007240000"),
      otherEffectUsd: usd("26007240000"),
    });
    const beforeListing = rows.slice(0, 11);
    expect(beforeListing.every((row) => row.state === "not_listed" && row.feeUnits === 0n)).toBe(true);
    expect(rowOn(rows, "2024-01-10").units).toBe(btc("619220"));
    const listingDay = rowOn(rows, "2024-01-11");
    expect(listingDay.state).toBe("final");
    expect(listingDay.feeUnits).toBe(btc("25.44739726")); // 619,220 × 150 / 10,000 / 365
  });

  it("moves coins between funds by a transfer, conserving units", () => {
    const prices = dailyCloses("2024-07-30", ["60000", "60000", "61000"]);
    const gbtc = testLedger(
      { ticker: "GBTC", listed_on: "2024-07-30" },
      {
        prices,
        holdings: [{ date: "2024-07-30", units: btc("300000") }],
        transfers: [{ date: "2024-07-31", units: btc("-100") }],
      },
    );
    const mini = testLedger(
      { ticker: "BTC", listed_on: "2024-07-31" },
      { prices, transfers: [{ date: "2024-07-31", units: btc("100") }] },
    );
    const [, gbtcDay] = rollFund(gbtc, "2024-08-01", NO_FEES);
    const [miniDay, miniNext] = rollFund(mini, "2024-08-01", NO_FEES);
    expect(gbtcDay?.units).toBe(btc("299900"));
    expect(gbtcDay?.otherEffectUsd).toBe(usd("-6000000"));
    expect(miniDay).toMatchObject({ date: "2024-07-31", units: btc("100"), otherEffectUsd: usd("6000000") });
    expect((gbtcDay?.transferUnits ?? 0n) + (miniDay?.transferUnits ?? 0n)).toBe(0n);
    expect(miniNext).toMatchObject({ marketEffectUsd: usd("100000"), otherEffectUsd: 0n });
  });

  it("puts a weekend's price move in the market effect of the next priced day", () => {
    const ledger = testLedger(
      { listed_on: "2024-01-12" },
      {
        // Fri 40,000; Sat 41,000; Sun no mark; Mon 43,000.
        prices: new Map([
          ["2024-01-12", price("40000")],
          ["2024-01-13", price("41000")],
          ["2024-01-15", price("43000")],
        ]),
        flows: [flow("2024-01-12", "4000000"), flow("2024-01-15", "0")],
      },
    );
    const [friday, saturday, sunday, monday] = rollFund(ledger, "2024-01-15", NO_FEES);
    expect(friday?.units).toBe(btc("100"));
    expect(saturday).toMatchObject({ state: "holiday", netFlowUsd: null, marketEffectUsd: usd("100000") });
    expect(sunday).toMatchObject({ state: "holiday", priceUsd: price("41000"), priceStale: true });
    expect(sunday?.marketEffectUsd).toBe(0n);
    expect(monday).toMatchObject({ state: "final", netFlowUsd: 0n, marketEffectUsd: usd("200000") });
  });

  it("accrues fees daily while listed, on the coins held the day before", () => {
    // 365 bps a year is 0.01% a day: 100 → 99.99 → 99.980001 → 99.97000300 (0.00999800|01 rounds down).
    const ledger = testLedger(
      { fee_bps: 365, delisted_on: "2024-01-14" },
      {
        prices: dailyCloses("2024-01-11", ["50000", "50000", "50000", "50000", "50000"]),
        holdings: [{ date: "2024-01-11", units: btc("100") }],
      },
    );
    const rows = rollFund(ledger, "2024-01-15", FEES);
    expect(rows.map((row) => row.feeUnits)).toEqual([0n, btc("0.01"), btc("0.009999"), btc("0.009998"), 0n]);
    expect(rows.map((row) => row.units)).toEqual([
      btc("100"),
      btc("99.99"),
      btc("99.980001"),
      btc("99.970003"),
      btc("99.970003"),
    ]);
    expect(rows[1]?.feeEffectUsd).toBe(usd("-500"));
    expect(rows[4]?.state).toBe("not_listed");
    expect(rollFund(ledger, "2024-01-15", NO_FEES).every((row) => row.feeUnits === 0n)).toBe(true);
  });

  it("accrues each day the fee in force that day, and none while the fee is not known", () => {
    // 365 bps (0.01% a day) until a fee change to 730 bps (0.02%) from 13 Jan on.
    const ledger = testLedger(
      { fee_bps: 365 },
      {
        prices: dailyCloses("2024-01-11", ["50000", "50000", "50000", "50000"]),
        holdings: [{ date: "2024-01-11", units: btc("100") }],
        feeChanges: [{ date: "2024-01-13", feeBps: 730 }],
      },
    );
    const rows = rollFund(ledger, "2024-01-14", FEES);
    // 12 Jan: 100 × 0.01% = 0.01; 13 Jan: 99.99 × 0.02% = 0.019998; 14 Jan: 99.970002 × 0.02% = 0.01999400|04.
    expect(rows.map((row) => row.feeUnits)).toEqual([0n, btc("0.01"), btc("0.019998"), btc("0.019994")]);
    const unknown = testLedger({ fee_bps: null }, { ...ledger, feeChanges: [] });
    expect(
      rollFund({ ...unknown, fund: { ...ledger.fund, fee_bps: null } }, "2024-01-14", FEES).every(
        (row) => row.feeUnits === 0n,
      ),
    ).toBe(true);
  });

  it("puts staking income and distributions in terms of their own, never in flows or other", () => {
    const ledger = testLedger(
      { fee_bps: 0 },
      {
        prices: dailyCloses("2024-01-11", ["2000", "2000", "2500"]),
        holdings: [{ date: "2024-01-11", units: btc("100") }],
        stakingRewards: [{ date: "2024-01-12", units: btc("0.25") }],
        distributions: [
          { date: "2024-01-13", usd: usd("5000"), units: null },
          { date: "2024-01-13", usd: null, units: btc("1") },
        ],
      },
    );
    const [, staked, paid] = rollFund(ledger, "2024-01-13", FEES);
    // 0.25 BTC at 2,000 is $500 of income; units 100.25.
    expect(staked).toMatchObject({ units: btc("100.25"), incomeEffectUsd: usd("500"), otherEffectUsd: 0n });
    expect(staked?.netFlowUsd).toBeNull();
    // $5,000 at 2,500 is 2 BTC sold, plus 1 BTC paid in kind: −$7,500, and 97.25 BTC left.
    expect(paid).toMatchObject({
      units: btc("97.25"),
      distributionUnits: btc("3"),
      distributionEffectUsd: usd("-7500"),
      marketEffectUsd: usd("50125"),
      otherEffectUsd: 0n,
    });
  });

  it("accrues a waived fee until its date, and on assets above a threshold the full fee", () => {
    // 730 bps (0.02% a day), waived to 0 until 12 Jan; from 13 Jan, 0 on the first $1M only.
    const ledger = testLedger(
      { fee_bps: 730 },
      {
        prices: dailyCloses("2024-01-11", ["10000", "10000", "10000", "10000"]),
        holdings: [{ date: "2024-01-11", units: btc("1000") }],
        feeChanges: [
          { date: "2024-01-11", feeBps: 730, waiver: { feeBps: 0, until: "2024-01-12", upToUsd: null } },
          { date: "2024-01-13", feeBps: 730, waiver: { feeBps: 0, until: null, upToUsd: usd("1000000") } },
        ],
      },
    );
    const rows = rollFund(ledger, "2024-01-14", FEES);
    // 13 Jan: $10M held, the first $1M (100 BTC) free, 900 BTC at 0.02% = 0.18 BTC.
    expect(rows.map((row) => row.feeUnits)).toEqual([0n, 0n, btc("0.18"), btc("0.179964")]);
  });

  it("never shows a missing trading day as a zero flow", () => {
    const ledger = testLedger(
      {},
      { prices: dailyCloses("2024-01-11", ["40000"]), flows: [flow("2024-01-11", "4000000")] },
    );
    const missing = rowOn(rollFund(ledger, "2024-01-12", NO_FEES), "2024-01-12");
    expect(missing).toMatchObject({ state: "missing", netFlowUsd: null, flowEffectUsd: null });
    expect(missing.cumulativeFlowUsd).toBe(usd("4000000"));
  });

  it("flags carried prices, borrows the first later mark, and values nothing without any mark", () => {
    const marks = new Map([["2024-01-12", price("40000")]]);
    const ledger = testLedger({}, { prices: marks, holdings: [{ date: "2024-01-11", units: btc("1") }] });
    const [before, marked, after] = rollFund(ledger, "2024-01-13", NO_FEES);
    expect(before).toMatchObject({ priceUsd: price("40000"), priceStale: true, aumUsd: usd("40000") });
    expect(marked).toMatchObject({ priceUsd: price("40000"), priceStale: false });
    expect(after).toMatchObject({ priceUsd: price("40000"), priceStale: true });
    const unpriced = rollFund({ ...ledger, prices: new Map() }, "2024-01-12", NO_FEES);
    expect(unpriced[1]).toMatchObject({ priceUsd: null, priceStale: false, aumUsd: 0n, units: btc("1") });
  });

  it("rolls units backwards from a later mark when the fund held coins before its first flow", () => {
    const ledger = testLedger(
      { fee_bps: 95 },
      {
        prices: dailyCloses("2024-01-11", ["46123.45", "42811.02", "42001", "41700.99", "41877.7", "42500"]),
        transfers: [{ date: "2024-01-13", units: btc("12.5") }],
        holdings: [{ date: "2024-01-14", units: btc("4210.77770001") }],
        flows: [flow("2024-01-15", "-35000000.55", "-830.1234")],
      },
    );
    const rows = rollFund(ledger, "2024-01-16", FEES);
    const marked = rowOn(rows, "2024-01-14");
    expect(marked.units).toBe(btc("4210.77770001"));
    expect(marked.residualUnits).toBe(0n);
    // Undoing the 12.5 BTC transfer and four days of a 0.95% fee (about 0.109 BTC a day, half-even)
    // leaves 4,198.71513480 BTC held before the first day (checked with exact fractions by hand);
    // the first day's fee of 0.10928163 leaves 4,198.60585317, which enter as "other".
    expect(rows[0]?.units).toBe(btc("4198.60585317"));
    expect((rows[0]?.otherEffectUsd ?? 0n) + (rows[0]?.feeEffectUsd ?? 0n)).toBe(rows[0]?.aumUsd);
  });

  it("rolls forward from listing when flows come before the first mark, and shows the drift as a residual", () => {
    const ledger = testLedger(
      {},
      {
        prices: dailyCloses("2024-01-11", ["40000", "40000", "40000"]),
        flows: [flow("2024-01-11", "4000000"), flow("2024-01-12", "2000000")],
        holdings: [{ date: "2024-01-13", units: btc("151") }],
      },
    );
    const rows = rollFund(ledger, "2024-01-13", NO_FEES);
    expect(rows[0]?.units).toBe(btc("100"));
    // 100 + 50 BTC from the flows; the filing says 151: one coin the flow record does not explain.
    expect(rowOn(rows, "2024-01-13")).toMatchObject({ units: btc("151"), residualUnits: btc("1") });
  });

  it("opens a fund with its seed at the close of the day before listing, unless a mark or transfer opens it", () => {
    const prices = dailyCloses("2024-01-10", ["50000", "40000", "40000"]);
    const seed = { date: "2024-01-11", usd: usd("10000000") };
    const ledger = testLedger({}, { prices, seed, flows: [flow("2024-01-11", "4000000")] });
    const [first] = rollFund(ledger, "2024-01-12", NO_FEES);
    // $10M at 50,000 (the 10 Jan close) is 200 BTC; the day's $4M at 40,000 adds 100.
    expect(first).toMatchObject({
      units: btc("300"),
      netFlowUsd: usd("4000000"),
      cumulativeFlowUsd: usd("4000000"),
    });
    expect(first?.otherEffectUsd).toBe(usd("8000000"));
    const transferred = { ...ledger, transfers: [{ date: "2024-01-11", units: btc("7") }] };
    expect(rollFund(transferred, "2024-01-11", NO_FEES)[0]?.units).toBe(btc("107"));
  });

  it("opens at zero when the mark cannot explain the flows before it", () => {
    const ledger = testLedger(
      {},
      {
        prices: dailyCloses("2024-01-11", ["40000", "40000"]),
        flows: [flow("2024-01-11", "4000000")],
        holdings: [{ date: "2024-01-12", units: btc("60") }],
      },
    );
    const [first, marked] = rollFund(ledger, "2024-01-12", NO_FEES);
    expect(first?.units).toBe(btc("100"));
    expect(marked?.residualUnits).toBe(btc("-40"));
  });

  it("resumes from a stored row exactly as a full roll", () => {
    const ledger = testLedger(
      {},
      {
        prices: dailyCloses("2024-01-11", ["40000", "41000", "39000", "39500", "45000", "44000"]),
        flows: [flow("2024-01-11", "4000000"), flow("2024-01-12", "-100000.01"), flow("2024-01-16", "5")],
        holdings: [{ date: "2024-01-15", units: btc("99") }],
      },
    );
    const full = rollFund(ledger, "2024-01-18", FEES);
    const resumed = rollFund(ledger, "2024-01-18", FEES, {
      from: "2024-01-14",
      previous: full[2] as FundDay,
    });
    expect(resumed).toEqual(full.slice(3));
    expect(() =>
      rollFund(ledger, "2024-01-18", FEES, { from: "2024-01-15", previous: full[2] as FundDay }),
    ).toThrow(RangeError);
  });

  it("refuses two flows for one fund-day", () => {
    const ledger = testLedger({}, { flows: [flow("2024-01-11", "1"), flow("2024-01-11", "2")] });
    expect(() => rollFund(ledger, "2024-01-11", NO_FEES)).toThrow(RangeError);
  });
});

describe("firstAnchor and recomputeFrom", () => {
  const ledger = testLedger(
    {},
    {
      prices: dailyCloses("2024-01-01", ["40000"]),
      flows: [flow("2024-01-11", "1")],
      holdings: [{ date: "2024-02-01", units: btc("1") }],
      transfers: [{ date: "2024-01-05", units: btc("1") }],
    },
  );

  it("starts history at the earliest of listing, flow, mark and transfer", () => {
    expect(firstAnchor(ledger)).toBe("2024-01-05");
    expect(firstAnchor(testLedger({ listed_on: "" }))).toBeNull();
  });

  it("recomputes from the first anchor while the opening units may change", () => {
    expect(recomputeFrom(ledger, "2023-06-01")).toBe("2024-01-05");
    expect(recomputeFrom(ledger, "2024-02-01")).toBe("2024-01-05");
    expect(recomputeFrom(ledger, "2024-02-02")).toBe("2024-02-02");
    const unpricedUntilMarch = { ...ledger, prices: dailyCloses("2024-03-01", ["40000"]) };
    expect(recomputeFrom(unpricedUntilMarch, "2024-02-20")).toBe("2024-01-05");
  });
});
