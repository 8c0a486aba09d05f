// The site's own logic, fast and without a browser: numbers for people, days rolled into weeks,
// missing days never read as zero, the data loader, and the open data files.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AggregateRow, ExportDocument, FundDayRow } from "../../shared/export.ts";
import { flowCell } from "../../site/src/lib/cells.ts";
import {
  completenessOf,
  dayInWords,
  headlineLabel,
  lastComplete,
  stateInWords,
} from "../../site/src/lib/completeness.ts";
import { thin } from "../../site/src/lib/figures.ts";
import * as f from "../../site/src/lib/format.ts";
import { changesTo } from "../../site/src/lib/headline.ts";
import {
  factDateOf,
  isConfirmation,
  type Revision,
  revisionInWords,
  subjectOf,
} from "../../site/src/lib/history.ts";
import {
  feeSteps,
  feeStepWords,
  formerTickerWords,
  LIKELY_REWARDS,
  redirectHtml,
  residualReason,
  stakingEvidence,
  stakingWords,
  tickerRedirects,
  waiverWords,
} from "../../site/src/lib/mechanics.ts";
import { loadModel } from "../../site/src/lib/model.ts";
import { checksumList, dataCatalog, renderFile } from "../../site/src/lib/opendata.ts";
import { aumChange, fundDaySlice, groupSlice, rollUp, statusTag } from "../../site/src/lib/slices.ts";
import { flowValue } from "../helpers/reads.ts";

describe("numbers for people", () => {
  it("shortens dollars, signs changes with a real minus, and says — for nothing", () => {
    expect(f.usd(52_300_000_000)).toBe("$52.3B");
    expect(f.signedUsd(1_200_000_000)).toBe("+$1.2B");
    expect(f.signedUsd(-95_100_000)).toBe("\u2212\u2060$95.1M");
    expect(f.signedUsd(0.4)).toBe("$0");
    expect(f.usd(null)).toBe("—");
    expect(f.signedUsd(null)).toBe("—");
    expect(f.fullUsd(-872_000_000)).toBe("\u2212\u2060$872,000,000");
  });

  it("writes dates that cannot be misread", () => {
    expect(f.date("2024-01-11")).toBe("11 Jan 2024");
    expect(f.dateRange("2024-10-28", "2024-11-01")).toBe("28 Oct – 1 Nov 2024");
    expect(f.dateRange("2024-12-30", "2025-01-05")).toBe("30 Dec 2024 – 5 Jan 2025");
    expect(f.week("2024-W02")).toBe("Week 2, 2024");
  });
});

function day(date: string, state: FundDayRow["state"], flow: string | null, market = "0.00"): FundDayRow {
  return {
    date,
    state,
    price_usd: "60000.00000000",
    price_stale: false,
    units: "10.00000000",
    aum_usd: "600000.00",
    net_flow_usd: flow,
    flow_effect_usd: flow,
    market_effect_usd: market,
    other_effect_usd: "0.00",
    fee_effect_usd: "-1.00",
    residual_units: "0",
    transfer_units: "0",
    cumulative_flow_usd: "0.00",
    income_effect_usd: "0.00",
    distribution_effect_usd: "0.00",
    income_units: "0",
    distribution_units: "0",
  };
}

describe("days, weeks and states", () => {
  it("rolls days into ISO weeks: flows and effects add up, a missing day marks the week partial", () => {
    const days = [
      day("2024-10-28", "final", "100.00", "5.00"),
      day("2024-10-29", "missing", null, "-2.00"),
      day("2024-11-02", "holiday", null, "1.00"),
      day("2024-11-04", "provisional", "0.00"),
    ].map(fundDaySlice);
    const [first, second] = rollUp(days, "week");
    if (!first) throw new Error("no week");
    expect(first?.label).toBe("2024-W44");
    expect(first?.flow).toBe(100);
    expect(first?.market).toBe(4);
    expect(first?.status).toBe("partial");
    expect(aumChange(first)).toBe(100 + 4 - 3);
    expect(second?.status).toBe("provisional");
  });

  it("never shows a missing or closed day as zero", () => {
    expect(flowCell(fundDaySlice(day("2024-10-29", "missing", null)))).toEqual({ text: "—", tag: "missing" });
    expect(flowCell(fundDaySlice(day("2024-11-02", "holiday", null)))).toBe("market closed");
    expect(flowCell(fundDaySlice(day("2024-11-01", "provisional", "0.00")))).toEqual({
      text: "$0",
      tag: "provisional",
    });
  });

  it("reads a group's day from the dates the summary flags, when the API says nothing of completeness", () => {
    const row = {
      start: "2024-10-31",
      end: "2024-10-31",
      label: "2024-10-31",
      net_flow_usd: "5.00",
      funds_listed: 2,
    };
    const flags = (missing: boolean) => ({
      provisional: () => false,
      awaiting: () => (missing ? ["IBIT"] : []),
    });
    expect(groupSlice(row as AggregateRow, flags(true)).status).toBe("partial");
    expect(groupSlice(row as AggregateRow, flags(true)).awaiting).toEqual(["IBIT"]);
    expect(groupSlice({ ...row, net_flow_usd: null } as AggregateRow, flags(true)).status).toBe("missing");
    expect(groupSlice({ ...row, net_flow_usd: null } as AggregateRow, flags(false)).status).toBe("closed");
  });

  it("takes the API's completeness and the funds it awaits, and tags a partial day with them", () => {
    const row = {
      start: "2026-08-21",
      end: "2026-08-21",
      label: "2026-08-21",
      net_flow_usd: "232000000.00",
      funds_listed: 28,
      completeness: "partial",
      awaiting: ["IBIT", "FBTC"],
      funds_missing: 2,
      funds_provisional: 0,
    };
    // The row's own word wins over what the summary's missing list would say.
    const none = { provisional: () => false, awaiting: () => [] };
    const slice = groupSlice(row as unknown as AggregateRow, none);
    expect(slice.status).toBe("partial");
    expect(flowCell(slice)).toEqual({ text: "+$232M", tag: "partial, awaiting IBIT, FBTC" });
    expect(statusTag(slice)).toBe("partial, awaiting IBIT, FBTC");
    const complete = { ...row, completeness: "complete", awaiting: [] } as unknown as AggregateRow;
    expect(groupSlice(complete, none).status).toBe("final");
    const placeholders = { ...row, completeness: "complete", awaiting: [], funds_provisional: 3 };
    expect(groupSlice(placeholders as unknown as AggregateRow, none).status).toBe("provisional");
    const nothing = { ...row, completeness: "none", net_flow_usd: null, awaiting: ["IBIT"] };
    expect(flowCell(groupSlice(nothing as unknown as AggregateRow, none))).toEqual({
      text: "—",
      tag: "missing",
    });
    const holiday = { ...row, completeness: null, net_flow_usd: null, awaiting: [] };
    expect(flowCell(groupSlice(holiday as unknown as AggregateRow, none))).toBe("market closed");
  });

  it("keeps long tables short: one row a week, then one a month", () => {
    const dates = Array.from({ length: 400 }, (_, i) => ({
      date: new Date(Date.UTC(2023, 0, 2 + i)).toISOString().slice(0, 10),
    }));
    const { rows, note } = thin(dates);
    expect(rows.length).toBeLessThan(60);
    expect(note).toContain("week");
    expect(rows.at(-1)?.date).toBe(dates.at(-1)?.date);
  });
});

describe("data loaded from saved API answers", () => {
  it("builds the model and open data files whose checksums match their bodies", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aumflow-export-"));
    mkdirSync(path.join(dir, "daily"));
    const rows = [day("2024-01-11", "final", "111700000.00"), day("2024-01-12", "missing", null)];
    const fund = {
      ticker: "IBIT",
      name: 'iShares "Bitcoin", Trust',
      issuer: "BlackRock",
      asset: "BTC",
      vehicle: "spot_etf" as const,
      country: "US",
      exchange: "XNAS",
      listed_on: "2024-01-11",
      delisted_on: null,
      fee_bps: 25,
      latest: null,
    };
    const summary = {
      report_date: "2024-01-12",
      provisional_dates: [],
      missing: [{ fund: "IBIT", date: "2024-01-12" }],
    };
    const doc = {
      data_version: 7,
      generated_at: "2024-01-13T00:00:00Z",
      summary,
      assets: [{ symbol: "BTC", name: "Bitcoin", decimals: 8 }],
      funds: [fund],
      aggregates: { day: [], week: [], month: [], ytd: [] },
    } as unknown as ExportDocument;
    writeFileSync(path.join(dir, "export.json"), JSON.stringify(doc));
    writeFileSync(path.join(dir, "daily/IBIT.json"), JSON.stringify({ fund: "IBIT", rows }));
    const restated = {
      id: 2,
      entity: "flow",
      key: "IBIT|2024-01-11|farside",
      old_value: { a: 1 },
      new_value: { a: 2 },
    };
    const first = { ...restated, id: 1, old_value: null };
    writeFileSync(path.join(dir, "revisions.json"), JSON.stringify({ revisions: [first, restated] }));
    process.env.AUMFLOW_EXPORT_DIR = dir;
    process.env.AUMFLOW_BUILD_ID = `test-${Date.now()}`;

    const model = await loadModel();
    expect(model.fundDays("IBIT").map((d) => d.status)).toEqual(["final", "missing"]);
    expect(model.revisionsOfFund("IBIT").map((r) => r.id)).toEqual([2]);

    const files = dataCatalog(model);
    const fileAt = (name: string) => {
      const file = files.find((candidate) => candidate.path === name);
      if (!file) throw new Error(`no ${name}`);
      return file;
    };
    const csv = fileAt("funds.csv");
    const body = renderFile(csv.table, "csv").body;
    expect(body).toContain('"iShares ""Bitcoin"", Trust"');
    expect(csv.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    const daily = Buffer.from(renderFile(fileAt("funds/IBIT.csv").table, "csv").body).toString();
    // The JSON file is the API's own rows, byte for byte.
    const json = Buffer.from(renderFile(fileAt("funds/IBIT.json").table, "json").body).toString();
    expect(json).toBe(`${JSON.stringify(rows)}\n`);
    expect(model.fundRows("IBIT")).toEqual(rows);
    // A missing day's flow columns are empty, never 0.00.
    expect(daily.split("\r\n")[2]).toMatch(/^2024-01-12,missing,.*,600000\.00,,,/);
    expect(checksumList(files)).toContain(`${csv.sha256}  funds.csv`);
  });
});

describe("metadata nobody has published", () => {
  it("is said to be not known, never guessed", () => {
    expect(f.fundName({ ticker: "ETHB", name: null })).toBe("Name not published");
    expect(f.fundHeading({ ticker: "ETHB", name: null })).toBe("ETHB (name not published)");
    expect(f.fundHeading({ ticker: "IBIT", name: "iShares Bitcoin Trust ETF" })).toBe(
      "iShares Bitcoin Trust ETF (IBIT)",
    );
    expect(f.issuerName(null)).toBe("Issuer not known");
    expect(f.vehicle(null)).toBe("not known");
    expect(f.vehicle("spot_etf")).toBe("spot ETF");
    expect(f.exchange(null)).toBe("Not known");
    expect(f.exchange("XNAS")).toBe("Nasdaq (XNAS)");
    expect(f.fee(null)).toBe("—");
    expect(f.fee(25)).toBe("0.25%");
    expect(f.feeLong(null)).toBe("Not known");
    expect(f.feeLong(14)).toBe("0.14% a year (14 basis points)");
    expect(f.NOT_KNOWN).toBe("not known: nothing published was found");
  });
});

describe("day completeness in words", () => {
  it("names the last complete day in the headline and the funds a partial day awaits", () => {
    expect(headlineLabel("Net flow", "2026-08-20")).toBe(
      "Net flow on 20 Aug 2026, the last day every fund has reported",
    );
    expect(headlineLabel("Net flow", null)).toBe("Net flow: no day yet on which every fund has reported");
    expect(headlineLabel("Net flow", "2026-08-21", "every SOL fund")).toBe(
      "Net flow on 21 Aug 2026, the last day every SOL fund has reported",
    );
    expect(dayInWords("2026-08-21", { completeness: "partial", awaiting: ["IBIT", "FBTC"] })).toBe(
      "21 Aug 2026: partial, awaiting IBIT, FBTC",
    );
    expect(stateInWords({ completeness: "complete", awaiting: [] })).toBe("every fund has reported");
    expect(stateInWords({ completeness: "none", awaiting: ["IBIT"] })).toBe("no fund has reported yet");
    expect(stateInWords({ completeness: null, awaiting: [] })).toBe("no trading");
    // Long lists stay readable.
    const many = ["IBIT", "FBTC", "GBTC", "ARKB", "BITB"];
    expect(stateInWords({ completeness: "partial", awaiting: many })).toBe(
      "partial, awaiting IBIT, FBTC, GBTC and 2 more",
    );
  });

  it("works completeness out from the missing fund-days when the API does not give it", () => {
    const row = { funds_listed: 2, net_flow_usd: "5.00" } as AggregateRow;
    expect(completenessOf(row, [])).toEqual({ completeness: "complete", awaiting: [] });
    expect(completenessOf(row, ["IBIT"])).toEqual({ completeness: "partial", awaiting: ["IBIT"] });
    expect(completenessOf({ ...row, net_flow_usd: null }, ["IBIT", "FBTC"]).completeness).toBe("none");
    expect(completenessOf({ ...row, net_flow_usd: null }, []).completeness).toBeNull();
    expect(completenessOf({ ...row, funds_listed: 0 }, []).completeness).toBeNull();
    const days = [
      { start: "2026-08-19", c: "complete" },
      { start: "2026-08-20", c: "complete" },
      { start: "2026-08-21", c: "partial" },
    ] as const;
    expect(lastComplete(days, (d) => d.c)?.start).toBe("2026-08-20");
  });

  it("sums the headline's changes up to the last complete day, not past it", () => {
    const days = [
      day("2026-07-31", "final", "1000000.00", "5.00"),
      day("2026-08-03", "final", "2000000.00", "7.00"),
      day("2026-08-04", "final", "3000000.00", "-1.00"),
      day("2026-08-05", "missing", null, "100.00"),
    ].map(fundDaySlice);
    const changes = changesTo(days, "2026-08-04");
    expect(changes?.day).toMatchObject({ from: "2026-08-04", to: "2026-08-04", flow: 3_000_000, market: -1 });
    expect(changes?.week).toMatchObject({ from: "2026-08-03", flow: 5_000_000, market: 6 });
    expect(changes?.month).toMatchObject({ from: "2026-08-03", flow: 5_000_000 });
    expect(changes?.ytd).toMatchObject({ from: "2026-07-31", flow: 6_000_000, market: 11 });
    expect(changes?.ytd.aum).toBe(6_000_000 + 11 - 3);
    expect(changesTo(days, "2026-09-01")).toBeUndefined();
  });
});

function revision(overrides: Partial<Revision>): Revision {
  return {
    id: 1,
    entity: "flow",
    key: "FBTC|2026-08-12|farside",
    subject: "FBTC",
    date: "2026-08-12",
    old_value: flowValue("0.00", "final"),
    new_value: flowValue("-46800000.00", "final"),
    recorded_at: "2026-08-22T09:14:03Z",
    observed_at: "2026-08-13T02:30:06Z",
    source: "farside",
    ...overrides,
  };
}

describe("revision history in words", () => {
  it("says what changed as Farside prints it, the day it is about and when the public saw it", () => {
    expect(revisionInWords(revision({}))).toBe(
      "FBTC, 12 Aug 2026: 0.0 → \u2212\u2060$46.8M, seen 13 Aug 02:30 UTC",
    );
    const withdrawn = revision({ subject: "GBTC", new_value: flowValue(null, "withdrawn") });
    expect(revisionInWords(withdrawn)).toBe("GBTC, 12 Aug 2026: 0.0 → withdrawn (–), seen 13 Aug 02:30 UTC");
    const confirmed = revision({
      old_value: flowValue("0.00", "provisional"),
      new_value: flowValue("0.00", "final"),
    });
    expect(revisionInWords(confirmed)).toBe("FBTC, 12 Aug 2026: 0.0 confirmed, seen 13 Aug 02:30 UTC");
    expect(isConfirmation(confirmed)).toBe(true);
    expect(isConfirmation(withdrawn)).toBe(false);
    expect(isConfirmation(revision({}))).toBe(false);
    const back = revision({
      old_value: flowValue(null, "withdrawn"),
      new_value: flowValue("5000000.00", "final"),
    });
    expect(revisionInWords(back)).toBe("FBTC, 12 Aug 2026: withdrawn (–) → +$5.0M, seen 13 Aug 02:30 UTC");
    const big = revision({ new_value: flowValue("1234500000.00", "provisional") });
    expect(revisionInWords(big)).toContain("0.0 → +$1,234.5M (provisional)");
  });

  it("says when it was recorded when nobody says when it was seen, with the year when it differs", () => {
    const recorded = revision({ observed_at: null, date: "2025-12-31", recorded_at: "2026-01-02T14:05:00Z" });
    expect(revisionInWords(recorded)).toBe(
      "FBTC, 31 Dec 2025: 0.0 → \u2212\u2060$46.8M, seen 2 Jan 2026 14:05 UTC",
    );
  });

  it("takes the fund from the subject, and never shows the storage key", () => {
    // A subject that is not the key's first part proves which one is read.
    const row = revision({ subject: "ETHB", key: "OLDNAME|2026-08-12|farside" });
    expect(subjectOf(row)).toBe("ETHB");
    const words = revisionInWords(row);
    expect(words.startsWith("ETHB, 12 Aug 2026")).toBe(true);
    expect(words).not.toContain("|");
    expect(words).not.toContain("farside");
    // From an API that serves neither subject nor date yet, both come from the key's parts.
    const older = revision({ subject: undefined, date: undefined, key: "IBIT|2024-11-04|farside" });
    expect(subjectOf(older)).toBe("IBIT");
    expect(factDateOf(older)).toBe("2024-11-04");
    expect(revisionInWords(older)).not.toContain("|");
  });

  it("writes prices, coins held and metadata field by field, unknown metadata as not known", () => {
    const price = revision({
      entity: "price",
      subject: "BTC",
      key: "BTC|2026-06-24|yahoo",
      date: "2026-06-24",
      old_value: { close_usd: "60989.57" },
      new_value: { close_usd: "61250.00" },
    });
    expect(revisionInWords(price)).toBe(
      "BTC price, 24 Jun 2026: $60,989.57 → $61,250.00, seen 13 Aug 02:30 UTC",
    );
    const fund = revision({
      entity: "fund",
      subject: "MSBT",
      key: "MSBT",
      date: null,
      old_value: { name: null, fee_bps: 14, exchange: null },
      new_value: { name: "Morgan Stanley Bitcoin Trust", fee_bps: 14, exchange: null },
    });
    expect(revisionInWords(fund)).toBe(
      "MSBT details: name not known → “Morgan Stanley Bitcoin Trust”, seen 13 Aug 2026 02:30 UTC",
    );
    const fee = revision({
      entity: "fund",
      subject: "GSOL",
      date: null,
      old_value: { fee_bps: 250 },
      new_value: { fee_bps: 35 },
    });
    expect(revisionInWords(fee)).toContain("GSOL details: fee 2.50% → 0.35%");
  });
});

describe("a flow in US$ millions and a moment", () => {
  it("prints flows as Farside does and moments in UTC", () => {
    expect(f.millions(0)).toBe("0.0");
    expect(f.millions(-46_800_000)).toBe("\u2212\u2060$46.8M");
    expect(f.millions(12_340_000)).toBe("+$12.3M");
    expect(f.millions(null)).toBe("–");
    expect(f.moment("2026-08-13T02:30:06Z", "2026-08-12")).toBe("13 Aug 02:30 UTC");
    expect(f.moment("2026-08-13T02:30:06Z")).toBe("13 Aug 2026 02:30 UTC");
  });
});

describe("fund mechanics in words", () => {
  it("gives the fee at listing, then each change with its waiver; a change at listing is the listing fee", () => {
    const gsol = {
      listed_on: "2025-10-29",
      fee_bps: 35,
      fee_history: [{ date: "2025-10-29", fee_bps: 35, waiver: null }],
    };
    expect(feeSteps(gsol).map(feeStepWords)).toEqual([
      "At listing, 29 Oct 2025: 0.35% a year (35 basis points), as set by a fee change on record, no waiver.",
    ]);
    const waived = {
      listed_on: "2024-01-11",
      fee_bps: 25,
      fee_history: [
        { date: "2026-03-01", fee_bps: 15, waiver: null },
        {
          date: "2024-06-01",
          fee_bps: 25,
          waiver: { fee_bps: 0, until: "2024-12-31", up_to_usd: "1000000000.00" },
        },
      ],
    };
    expect(feeSteps(waived).map(feeStepWords)).toEqual([
      "At listing, 11 Jan 2024: 0.25% a year (25 basis points).",
      "From 1 Jun 2024: 0.25% a year (25 basis points), waived to 0.00% until 31 Dec 2024 (inclusive), on the first $1.0B of assets, the full fee on the rest.",
      "From 1 Mar 2026: 0.15% a year (15 basis points), no waiver.",
    ]);
    expect(waiverWords({ fee_bps: 9, until: null, up_to_usd: null })).toBe("waived to 0.09%");
    expect(feeSteps({ listed_on: "2026-04-08", fee_bps: null, fee_history: [] }).map(feeStepWords)).toEqual([
      "At listing, 8 Apr 2026: Not known.",
    ]);
  });

  it("names each former ticker and what it became, and leads every one to the fund's page", () => {
    expect(
      formerTickerWords({ ticker: "TETH", former_tickers: [{ ticker: "CETH", changed_on: "2025-08-28" }] }),
    ).toEqual([{ ticker: "CETH", words: "CETH until 28 Aug 2025, when it became TETH" }]);
    const chain = {
      ticker: "C",
      former_tickers: [
        { ticker: "B", changed_on: "2025-01-02" },
        { ticker: "A", changed_on: "2024-01-02" },
      ],
    };
    expect(formerTickerWords(chain).map((entry) => entry.words)).toEqual([
      "A until 2 Jan 2024, when it became B",
      "B until 2 Jan 2025, when it became C",
    ]);
    // A former ticker another fund trades under now keeps that fund's page.
    expect(
      tickerRedirects([
        { ticker: "TETH", former_tickers: [{ ticker: "CETH", changed_on: "2025-08-28" }] },
        { ticker: "X", former_tickers: [{ ticker: "IBIT", changed_on: "2025-01-01" }] },
        { ticker: "IBIT", former_tickers: [] },
      ]),
    ).toEqual([{ from: "CETH", to: "TETH" }]);
    const html = redirectHtml("CETH", "TETH", "https://aumflow.example/funds/TETH/");
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/funds/TETH/">');
    expect(html).toContain('<link rel="canonical" href="https://aumflow.example/funds/TETH/">');
    expect(html).toContain('<a href="/funds/TETH/">');
    expect(html).not.toMatch(/<script/i);
  });

  it("says a staking fund's extra coins are likely unreported rewards, and nothing else is", () => {
    const more = { residualUnits: 12.5, opening: false };
    for (const policy of ["retained", "distributed", "mixed"])
      expect(residualReason(more, policy, false)).toBe(LIKELY_REWARDS);
    expect(LIKELY_REWARDS).toBe("likely staking rewards not yet reported");
    // Income or a payout on record shows the fund stakes even when its policy is not known.
    expect(residualReason(more, null, true)).toBe(LIKELY_REWARDS);
    expect(residualReason(more, null, false)).toBeNull();
    expect(residualReason(more, "none", false)).toBeNull();
    // Fewer coins than the record, or the mark a record opens with, say nothing of staking.
    expect(residualReason({ residualUnits: -40171, opening: false }, "retained", true)).toBeNull();
    expect(residualReason({ residualUnits: 2962629, opening: true }, "retained", true)).toBeNull();
    expect(stakingWords(null)).toBe("Not known");
    expect(stakingWords("retained")).toBe("stakes and keeps the rewards");
    expect(stakingEvidence(null, false, true)).toBe("a distribution on record");
    expect(stakingEvidence("mixed", false, false)).toBe("its published policy");
    expect(stakingEvidence("none", false, false)).toBeNull();
  });
});
