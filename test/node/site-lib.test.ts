// The site's own logic, fast and without a browser: numbers for people, days rolled into weeks,
// missing days never read as zero, the data loader, and the open data files.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AggregateRow, ExportDocument, FundDayRow } from "../../shared/export.ts";
import { flowCell } from "../../site/src/lib/cells.ts";
import { thin } from "../../site/src/lib/figures.ts";
import * as f from "../../site/src/lib/format.ts";
import { loadModel } from "../../site/src/lib/model.ts";
import { checksumList, dataCatalog, renderFile } from "../../site/src/lib/opendata.ts";
import { aumChange, fundDaySlice, groupSlice, rollUp } from "../../site/src/lib/slices.ts";

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

  it("reads a group's day from the dates the summary flags", () => {
    const row = {
      start: "2024-10-31",
      end: "2024-10-31",
      label: "2024-10-31",
      net_flow_usd: "5.00",
      funds_listed: 2,
    };
    const flags = (missing: boolean) => ({ provisional: () => false, missing: () => missing });
    expect(groupSlice(row as AggregateRow, flags(true)).status).toBe("partial");
    expect(groupSlice({ ...row, net_flow_usd: null } as AggregateRow, flags(true)).status).toBe("missing");
    expect(groupSlice({ ...row, net_flow_usd: null } as AggregateRow, flags(false)).status).toBe("closed");
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
