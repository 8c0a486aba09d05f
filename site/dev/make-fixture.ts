// Writes a development fixture for the site into site/.data (or --out): export.json,
// daily/<TICKER>.json and revisions.json, shaped exactly like the API's answers.
//   node site/dev/make-fixture.ts                       the real 2024 demo flows (data/demo)
//   node site/dev/make-fixture.ts --funds 1000 --from 2021-01-04 --to 2025-06-30   a synthetic universe
// Build the site from it with AUMFLOW_EXPORT_DIR=site/.data. The build never needs this script.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { addDays, dayOfWeek } from "../../shared/dates.ts";
import { formatDecimal, parseDecimal } from "../../shared/decimal.ts";
import type { Fund, Vehicle } from "../../shared/domain.ts";
import { KNOWN_ASSETS } from "../../shared/domain.ts";
import type {
  AttributionChange,
  ExportDocument,
  FundDayRow,
  RevisionRow,
  Summary,
} from "../../shared/export.ts";
import { buildAggregates } from "./fixture-aggregates.ts";
import { type FixtureFund, runFund } from "./fixture-engine.ts";

const root = path.resolve(import.meta.dirname, "../..");
const demo = path.join(root, "data/demo");
const { values: args } = parseArgs({
  options: {
    out: { type: "string", default: path.join(root, "site/.data") },
    funds: { type: "string" },
    from: { type: "string", default: "2021-01-04" },
    to: { type: "string", default: "2025-06-30" },
  },
});

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path.join(demo, file), "utf8").trim().split(/\r?\n/);
  const columns = (header ?? "").split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((column, i) => [column, cells.slice(i, i + 1)[0] ?? ""]));
  });
}

const scaled = (text: string, scale: number) => parseDecimal(text, scale) as bigint;
const price8 = (text: string) => scaled(Number(text).toFixed(8), 8);

function loadPrices(file: string, drop: string[]): Map<string, bigint> {
  const prices = new Map(readCsv(file).map((row) => [row.date ?? "", price8(row.close_usd ?? "0")]));
  for (const date of drop) prices.delete(date); // leaves gaps, so the site shows stale prices
  return prices;
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
const farsideDate = (text: string) => {
  const [day, month, year] = text.split(" ");
  return `${year}-${String(MONTHS.indexOf(month ?? "") + 1).padStart(2, "0")}-${day?.padStart(2, "0")}`;
};
const farsideCents = (cell: string) =>
  scaled(cell.startsWith("(") ? `-${cell.slice(1, -1)}` : cell, 1) * 10_000_000n;

function demoUniverse() {
  const prices = {
    BTC: loadPrices("btc-usd-daily-close.csv", ["2024-10-27"]),
    ETH: loadPrices("eth-usd-daily-close.csv", []),
  };
  const funds: Fund[] = readCsv("funds.csv").map((row) => ({
    ticker: row.ticker ?? "",
    name: row.name ?? "",
    issuer: row.issuer ?? "",
    asset: row.asset ?? "",
    vehicle: (row.vehicle ?? "spot_etf") as Vehicle,
    country: row.country ?? "",
    exchange: row.exchange ?? "",
    listed_on: row.listed_on ?? "",
    delisted_on: null,
    fee_bps: Number(row.fee_bps),
  }));
  const table = readFileSync(path.join(demo, "farside-btc-etf-flows.csv"), "utf8").trim().split(/\r?\n/);
  const columns = (table[0] ?? "").split(",");
  const holidays = new Set<string>();
  const flows = new Map(
    funds.map((fund) => [fund.ticker, new Map<string, { cents: bigint; status: "final" | "provisional" }>()]),
  );
  const lastRow = table.length - 1;
  table.slice(1).forEach((line, i) => {
    const cells = line.split(/,(?![^(]*\))/);
    const date = farsideDate(cells[0] ?? "");
    if (cells.slice(1, -1).every((cell) => cell === "-")) holidays.add(date);
    columns.slice(1, -1).forEach((ticker, c) => {
      const cell = cells[c + 1] ?? "-";
      if (cell === "-") return;
      // A couple of cells left out on purpose, so the site has missing days to show.
      if (date === "2024-10-31" && (ticker === "BTCW" || ticker === "EZBC")) return;
      flows
        .get(ticker)
        ?.set(date, { cents: farsideCents(cell), status: i + 1 === lastRow ? "provisional" : "final" });
    });
  });
  const isTradingDay = (date: string) => dayOfWeek(date) % 6 !== 0 && !holidays.has(date);
  const transfer = 2693583753443n;
  return funds.map(
    (fund): FixtureFund => ({
      fund,
      decimals: 8,
      prices: prices.BTC,
      flows: flows.get(fund.ticker) ?? new Map(),
      transfers: new Map(
        fund.ticker === "GBTC"
          ? [["2024-07-31", -transfer]]
          : fund.ticker === "BTC"
            ? [["2024-07-31", transfer]]
            : [],
      ),
      openingUnits: fund.ticker === "GBTC" ? scaled("619525.92917020", 8) : 0n,
      isTradingDay,
    }),
  );
}

/** A repeatable pseudo-random sequence (mulberry32), so synthetic fixtures are stable. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticUniverse(count: number, from: string, to: string): FixtureFund[] {
  const next = random(42);
  const prices = {
    BTC: loadPrices("btc-usd-daily-close.csv", []),
    ETH: loadPrices("eth-usd-daily-close.csv", []),
  };
  const closed = new Set(["01-01", "07-04", "12-25"]);
  const isTradingDay = (date: string) => dayOfWeek(date) % 6 !== 0 && !closed.has(date.slice(5));
  const issuers = Math.max(3, Math.round(count / 8));
  return Array.from({ length: count }, (_, i): FixtureFund => {
    const asset = i % 4 === 3 ? "ETH" : "BTC";
    const listedOn = addDays(from, Math.floor(next() * 200) * (i % 3));
    const size = 10 ** (6 + next() * 3);
    const flows = new Map<string, { cents: bigint; status: "final" | "provisional" }>();
    let trend = 0;
    for (let day = listedOn; day <= to; day = addDays(day, 1)) {
      if (!isTradingDay(day)) continue;
      trend = 0.9 * trend + (next() - 0.48) * 0.3;
      const dollars = Math.round((trend + (next() - 0.5)) * size * 10) / 10;
      flows.set(day, {
        cents: BigInt(Math.round(dollars * 100)),
        status: day === to ? "provisional" : "final",
      });
    }
    const decimals = KNOWN_ASSETS.find((a) => a.symbol === asset)?.decimals ?? 8;
    return {
      fund: {
        ticker: `S${String(i).padStart(3, "0")}${asset[0]}`,
        name: `Synthetic ${asset === "BTC" ? "Bitcoin" : "Ether"} Fund ${i}`,
        issuer: `Issuer ${String.fromCharCode(65 + ((i % issuers) % 26))}${Math.floor((i % issuers) / 26) || ""}`,
        asset,
        vehicle: (["spot_etf", "etp", "trust", "fund"] as const)[i % 4] ?? "spot_etf",
        country: ["US", "CA", "DE", "CH"][i % 4] ?? "US",
        exchange: ["XNAS", "ARCX", "BATS", "XNYS"][i % 4] ?? "XNAS",
        listed_on: listedOn,
        delisted_on: null,
        fee_bps: 15 + Math.floor(next() * 80),
      },
      decimals,
      prices: prices[asset],
      flows,
      transfers: new Map(),
      openingUnits: 0n,
      isTradingDay,
    };
  });
}

const cents = (text: string | null | undefined) => (text ? (parseDecimal(text, 2) as bigint) : 0n);

function change(rows: Map<string, FundDayRow>[], from: string, to: string): AttributionChange {
  let aumFrom = 0n;
  let aumTo = 0n;
  const sums = { flow: 0n, market: 0n, other: 0n, fee: 0n };
  for (const byDate of rows) {
    aumFrom += cents(byDate.get(from)?.aum_usd);
    aumTo += cents(byDate.get(to)?.aum_usd);
    for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) {
      const row = byDate.get(day);
      if (!row) continue;
      sums.flow += cents(row.flow_effect_usd);
      sums.market += cents(row.market_effect_usd);
      sums.other += cents(row.other_effect_usd);
      sums.fee += cents(row.fee_effect_usd);
    }
  }
  // Like the API: `from` is the first day of the window; the change counts from the day before it.
  return {
    from: addDays(from, 1),
    to,
    aum_change_usd: formatDecimal(aumTo - aumFrom, 2),
    flow_effect_usd: formatDecimal(sums.flow, 2),
    market_effect_usd: formatDecimal(sums.market, 2),
    other_effect_usd: formatDecimal(sums.other, 2),
    fee_effect_usd: formatDecimal(sums.fee, 2),
  };
}

function summarize(
  doc: Omit<ExportDocument, "summary">,
  daily: Map<string, FundDayRow[]>,
  reportDate: string,
): Summary {
  const all = [...daily.values()].flat();
  const onReport = [...daily].map(([fund, rows]) => ({ fund, row: rows.find((r) => r.date === reportDate) }));
  const lastFinal =
    all
      .filter((r) => r.state === "final")
      .map((r) => r.date)
      .sort()
      .at(-1) ?? "";
  const totalToday = doc.aggregates.day.find((r) => r.by === "total" && r.start === reportDate);
  const flowsToday = onReport.filter((x) => x.row?.net_flow_usd != null);
  const sorted = flowsToday.sort((a, b) => Number(cents(b.row?.net_flow_usd) - cents(a.row?.net_flow_usd)));
  const byDate = [...daily.values()].map((rows) => new Map(rows.map((r) => [r.date, r])));
  const weekStart = addDays(reportDate, -((dayOfWeek(reportDate) + 6) % 7) - 1);
  return {
    data_version: doc.data_version,
    report_date: reportDate,
    last_final_date: lastFinal || null,
    provisional_dates: [...new Set(all.filter((r) => r.state === "provisional").map((r) => r.date))].sort(),
    missing: [...daily].flatMap(([fund, rows]) =>
      rows.filter((r) => r.state === "missing").map((r) => ({ fund, date: r.date })),
    ),
    total_aum_usd: totalToday?.aum_usd ?? "0.00",
    changes: {
      day: change(byDate, addDays(reportDate, -1), reportDate),
      week: change(byDate, weekStart, reportDate),
      month: change(byDate, addDays(`${reportDate.slice(0, 7)}-01`, -1), reportDate),
      ytd: change(byDate, `${Number(reportDate.slice(0, 4)) - 1}-12-31`, reportDate),
    },
    net_flow_usd: totalToday?.net_flow_usd ?? null,
    streak: totalToday?.streak ?? 0,
    regime: totalToday?.regime ?? "mixed",
    organic_growth_20d: totalToday?.organic_growth_20d ?? null,
    top_inflows: sorted
      .filter((x) => cents(x.row?.net_flow_usd) > 0n)
      .slice(0, 5)
      .map((x) => ({ fund: x.fund, net_flow_usd: x.row?.net_flow_usd ?? "0.00" })),
    top_outflows: sorted
      .filter((x) => cents(x.row?.net_flow_usd) < 0n)
      .reverse()
      .slice(0, 5)
      .map((x) => ({ fund: x.fund, net_flow_usd: x.row?.net_flow_usd ?? "0.00" })),
    by_asset: doc.aggregates.day
      .filter((r) => r.by === "asset" && r.start === reportDate)
      .map((r) => ({ asset: r.key, aum_usd: r.aum_usd })),
  };
}

function revisions(funds: Fund[]): RevisionRow[] {
  const [first, second] = funds;
  if (!first || !second) return [];
  return [
    {
      id: 1,
      entity: "flow",
      key: `${first.ticker}|2024-10-30|farside`,
      old_value: { net_flow_usd: "0.00", status: "provisional" },
      new_value: { net_flow_usd: "872000000.00", status: "final" },
      recorded_at: "2024-10-31T09:12:00Z",
      source: "farside",
    },
    {
      id: 2,
      entity: "flow",
      key: `${second.ticker}|2024-10-31|farside`,
      old_value: { net_flow_usd: "0.00", status: "provisional" },
      new_value: { net_flow_usd: "-75200000.00", status: "final" },
      recorded_at: "2024-11-01T09:05:00Z",
      source: "farside",
    },
    {
      id: 3,
      entity: "price",
      key: "BTC|2024-10-30|yahoo",
      old_value: { close_usd: "72300.00000000" },
      new_value: { close_usd: "72339.54296875" },
      recorded_at: "2024-10-31T00:20:00Z",
      source: "yahoo",
    },
    {
      id: 4,
      entity: "fund",
      key: first.ticker,
      old_value: { fee_bps: 12 },
      new_value: { fee_bps: first.fee_bps },
      recorded_at: "2024-02-01T12:00:00Z",
      source: "admin",
    },
  ];
}

function main(): void {
  const synthetic = args.funds !== undefined;
  const universe = synthetic ? syntheticUniverse(Number(args.funds), args.from, args.to) : demoUniverse();
  const reportDate = synthetic ? args.to : "2024-11-01";
  const daily = new Map(universe.map((input) => [input.fund.ticker, runFund(input, reportDate)]));
  const funds = universe.map((input) => input.fund);
  const firstDay = [reportDate, ...funds.map((fund) => fund.listed_on)].sort()[0] ?? reportDate;
  const aggregates = buildAggregates(funds, daily, firstDay, reportDate);
  const totalAumByAsset = new Map(
    aggregates.day
      .filter((r) => r.by === "asset" && r.start === reportDate)
      .map((r) => [r.key, cents(r.aum_usd)]),
  );
  const doc: Omit<ExportDocument, "summary"> = {
    data_version: 1,
    generated_at: new Date().toISOString(),
    assets: KNOWN_ASSETS.filter((asset) => funds.some((fund) => fund.asset === asset.symbol)).map((a) => ({
      ...a,
    })),
    funds: funds.map((fund) => {
      const last = daily.get(fund.ticker)?.at(-1);
      const assetAum = totalAumByAsset.get(fund.asset) ?? 0n;
      return {
        ...fund,
        latest: last
          ? {
              date: last.date,
              state: last.state,
              aum_usd: last.aum_usd,
              units: last.units,
              cumulative_flow_usd: last.cumulative_flow_usd,
              market_share:
                assetAum > 0n ? (Number(cents(last.aum_usd)) / Number(assetAum)).toFixed(6) : null,
            }
          : null,
      };
    }),
    aggregates,
  };
  const exportDocument: ExportDocument = { ...doc, summary: summarize(doc, daily, reportDate) };
  mkdirSync(path.join(args.out, "daily"), { recursive: true });
  writeFileSync(path.join(args.out, "export.json"), JSON.stringify(exportDocument));
  for (const [fund, rows] of daily)
    writeFileSync(path.join(args.out, "daily", `${fund}.json`), JSON.stringify({ fund, rows }));
  writeFileSync(path.join(args.out, "revisions.json"), JSON.stringify({ revisions: revisions(funds) }));
  console.log(`fixture: ${funds.length} funds, ${firstDay} to ${reportDate}, written to ${args.out}`);
}

main();
