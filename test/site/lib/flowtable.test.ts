// The flow tables' own logic, without a build: sums exact from cents and rounded once, every cell's
// state, holiday rows, partial days and the funds they await, weekly/monthly/yearly sums, the
// cumulative row and shares, coins at the day's close, paging by year, the HTML and the CSV. Also the
// cycle's arithmetic (turning points, regimes, outflow runs) and the site's own address in links.
import { describe, expect, it } from "vitest";
import { parseDecimal } from "../../../shared/decimal.ts";
import type { DayState } from "../../../shared/domain.ts";
import { absolute, tagId } from "../../../site/src/lib/address.ts";
import { outflowStreaks, regimeBands, swingsOf, turningPoints } from "../../../site/src/lib/cycles.ts";
import { sourceLink } from "../../../site/src/lib/events.ts";
import {
  dailyTableHtml,
  dayRange,
  flowCsv,
  footnotes,
  summaryTableHtml,
} from "../../../site/src/lib/flowhtml.ts";
import {
  buildFlowTable,
  cellValue,
  exact,
  type FlowColumn,
  type FlowDay,
  type FlowTable,
  type FundInput,
  type Restatement,
  sumCells,
  tableYears,
  tenths,
  weekdays,
} from "../../../site/src/lib/flowtable.ts";
import type { Slice } from "../../../site/src/lib/slices.ts";

const cents = (usd: string) => parseDecimal(usd, 2) as bigint;

interface Day {
  state: DayState;
  usd?: string;
  price?: string;
}

/** A fund from its days; before the first and after the last it is not listed. */
function fund(
  ticker: string,
  days: Record<string, Day>,
  restated: Record<string, Restatement[]> = {},
): FundInput {
  const dates = Object.keys(days).sort();
  const on = (date: string): FlowDay | undefined => {
    const day = days[date];
    if (!day) return undefined;
    return {
      state: day.state,
      cents: day.usd === undefined ? null : cents(day.usd),
      price: day.price === undefined ? 5_000_000_000_000n : (parseDecimal(day.price, 8) as bigint),
    };
  };
  return {
    ticker,
    asset: "BTC",
    decimals: 8,
    on,
    cumulative: (date, unit) =>
      dates
        .filter((d) => d <= date)
        .reduce((sum, d) => {
          const day = on(d);
          return sum + (day ? (cellValue(day, unit, 8).value ?? 0n) : 0n);
        }, 0n),
    level: (date) => (days[date] ? 100 : null),
    restated: (date) => restated[date] ?? [],
  };
}

const columns = (tickers: string[]): FlowColumn[] => [
  ...tickers.map((ticker) => ({ key: ticker, label: ticker, kind: "fund" as const, funds: [ticker] })),
  { key: "total", label: "Total", kind: "total", funds: tickers },
];

/** Three funds over two weeks of January 2026, Martin Luther King Jr. Day on Monday 19 Jan. */
function january(): FlowTable {
  const third = "33333333.33";
  const a: Record<string, Day> = {
    "2026-01-12": { state: "final", usd: third },
    "2026-01-13": { state: "final", usd: "-95100000.00" },
    "2026-01-16": { state: "final", usd: "150000.00" },
    "2026-01-19": { state: "holiday" },
    "2026-01-20": { state: "missing" },
  };
  const b: Record<string, Day> = {
    "2026-01-12": { state: "final", usd: third },
    "2026-01-13": { state: "provisional", usd: "0.00" },
    "2026-01-16": { state: "final", usd: "0.00" },
    "2026-01-19": { state: "holiday" },
    "2026-01-20": { state: "final", usd: "12300000.00" },
  };
  // Listed from 13 Jan: not listed on the 12th.
  const c: Record<string, Day> = {
    "2026-01-12": { state: "not_listed" },
    "2026-01-13": { state: "final", usd: third },
    "2026-01-16": { state: "final", usd: "50000.00" },
    "2026-01-19": { state: "holiday" },
    "2026-01-20": { state: "final", usd: "1000000.00" },
  };
  const restated = { "2026-01-13": [{ id: 42, words: "0.0 → −$95.1M, seen 14 Jan 02:30 UTC" }] };
  return buildFlowTable({
    scope: "BTC",
    unit: "usd",
    year: "2026",
    reportDate: "2026-01-20",
    funds: [fund("A", a, restated), fund("B", b), fund("C", c)],
    columns: columns(["A", "B", "C"]),
  });
}

describe("sums in US$ millions", () => {
  it("adds cents exactly and rounds once: three thirds make 100.0, not 99.9", () => {
    const table = january();
    const day = table.rows.find((row) => row.kind === "day" && row.date === "2026-01-12");
    if (day?.kind !== "day") throw new Error("no 12 Jan");
    expect(day.cells.map((cell) => (cell.value === null ? "–" : tenths(cell.value, "usd", 2)))).toEqual([
      "33.3",
      "33.3",
      "–",
      "66.7",
    ]);
    const week = table.rows.find((row) => row.kind === "week" && row.from === "2026-01-12");
    if (week?.kind !== "week") throw new Error("no week");
    // A: 33.33 − 95.1 + 0.15 = −61.62; C: 33.33 + 0.05 = 33.38; all: 3 × 33.333… − 95.1 + 0.2 = 5.09999999.
    expect(week.cells.map((cell) => tenths(cell.value ?? 0n, "usd", 2))).toEqual([
      "−61.6",
      "33.3",
      "33.4",
      "5.1",
    ]);
  });

  it("prints one decimal with a minus sign, thousands grouped, half to even", () => {
    expect(tenths(cents("-95100000.00"), "usd", 2)).toBe("\u221295.1");
    expect(tenths(cents("1234500000.00"), "usd", 2)).toBe("1,234.5");
    expect(tenths(cents("50000.00"), "usd", 2)).toBe("0.0");
    expect(tenths(cents("150000.00"), "usd", 2)).toBe("0.2");
    expect(tenths(cents("-49999.99"), "usd", 2)).toBe("0.0");
    expect(exact(cents("-95100000.00"), "usd", 2)).toBe("-95.1");
    expect(exact(cents("123.45"), "usd", 2)).toBe("0.00012345");
  });

  it("turns a dollar flow into coins at the day's close, as the engine does", () => {
    const day: FlowDay = {
      state: "final",
      cents: cents("100000000.00"),
      price: parseDecimal("50000", 8) as bigint,
    };
    const { value } = cellValue(day, "coins", 8);
    expect(value).toBe(200_000_000_000n);
    expect(tenths(value ?? 0n, "coins", 8)).toBe("2,000.0");
    expect(cellValue({ ...day, price: null }, "coins", 8)).toEqual({ value: null, noPrice: true });
  });
});

describe("each cell's state", () => {
  it("never reads a missing figure as zero, and names the funds a partial day awaits", () => {
    const table = january();
    const last = table.rows.find((row) => row.kind === "day" && row.date === "2026-01-20");
    if (last?.kind !== "day") throw new Error("no 20 Jan");
    expect(last.cells[0]).toEqual({ value: null, state: "missing" });
    expect(last.completeness).toBe("partial");
    expect(last.awaiting).toEqual(["A"]);
    expect(last.cells[3]).toMatchObject({ value: cents("13300000.00"), partial: true, awaiting: ["A"] });
    const provisional = table.rows.find((row) => row.kind === "day" && row.date === "2026-01-13");
    if (provisional?.kind !== "day") throw new Error("no 13 Jan");
    expect(provisional.cells[1]?.state).toBe("provisional");
    expect(provisional.cells[3]?.provisional).toBe(true);
    expect(provisional.cells[0]?.restated?.[0]?.id).toBe(42);
  });

  it("shows a weekday the market was closed as such, with the holiday's name, and skips weekends", () => {
    const table = january();
    const closed = table.rows.find((row) => row.kind === "closed");
    expect(closed).toEqual({ kind: "closed", date: "2026-01-19", reason: "Martin Luther King Jr. Day" });
    const dates = table.rows.flatMap((row) =>
      row.kind === "day" || row.kind === "closed" ? [row.date] : [],
    );
    expect(dates).toEqual(["2026-01-12", "2026-01-13", "2026-01-16", "2026-01-19", "2026-01-20"]);
    expect(weekdays("2026-01-09", "2026-01-12")).toEqual(["2026-01-09", "2026-01-12"]);
  });

  it("adds up: a sum of only missing figures is missing; one with none listed is not listed", () => {
    expect(sumCells([{ value: null, state: "missing" }], ["IBIT"])).toEqual({
      value: null,
      state: "missing",
      awaiting: ["IBIT"],
    });
    expect(sumCells([{ value: null, state: "not_listed" }])).toEqual({ value: null, state: "not_listed" });
    expect(
      sumCells(
        [
          { value: 5n, state: "final" },
          { value: null, state: "missing" },
        ],
        ["A", "B"],
      ),
    ).toEqual({
      value: 5n,
      state: "final",
      partial: true,
      awaiting: ["B"],
    });
  });
});

describe("weeks, months, the year, since listing, shares", () => {
  it("follows each week with its sum and gives the months, the year, the cumulative flow and each share", () => {
    const table = january();
    expect(table.rows.map((row) => row.kind)).toEqual(["day", "day", "day", "week", "closed", "day", "week"]);
    expect(table.months.map((row) => row.label)).toEqual(["2026-01"]);
    expect(tenths(table.total.cells[3]?.value ?? 0n, "usd", 2)).toBe("18.4");
    expect(table.total.cells[3]?.partial).toBe(true);
    expect(tenths(table.cumulative.cells[2]?.value ?? 0n, "usd", 2)).toBe("34.4");
    // Each listed fund holds 100 on the last day: a third each.
    expect(table.share.values.map((v) => v?.toFixed(3))).toEqual(["0.333", "0.333", "0.333", "1.000"]);
  });

  it("pages by year from the first listing to the report date", () => {
    expect(tableYears("2024-01-11", "2026-08-21")).toEqual(["2024", "2025", "2026"]);
    expect(tableYears("2025-10-28", "2025-12-31")).toEqual(["2025"]);
    expect(dayRange("2026-01-12", "2026-01-16")).toBe("12–16 Jan");
    expect(dayRange("2025-12-29", "2026-01-02")).toBe("29 Dec – 2 Jan");
  });
});

describe("the table as HTML and as CSV", () => {
  const table = january();
  const notes = new Map(footnotes(table).map((note) => [note.id, note.n]));
  const html = dailyTableHtml(table, { labelledBy: "t", notes, href: (c) => `/funds/${c.label}/` });

  it("writes each state into the cell, in words in its title", () => {
    expect(html).toContain('<td class="num miss" title="not reported yet">–</td>');
    expect(html).toContain('<td class="num nl" title="not listed"></td>');
    expect(html).toMatch(
      /<td class="num prov" title="provisional: a placeholder until the source confirms it">0\.0<\/td>/,
    );
    expect(html).toMatch(
      /title="restated: 0\.0 → −\$95\.1M, seen 14 Jan 02:30 UTC">\u221295\.1<sup><a href="#rev-1">1<\/a><\/sup>/,
    );
    expect(html).toContain('<td colspan="4"><span>market closed: Martin Luther King Jr. Day</span></td>');
    expect(html).toContain('<span class="state">partial: awaiting A</span>');
    expect(html).toMatch(/<td class="num total part" title="partial: awaiting A">13\.3<\/td>/);
    expect(html).toContain('<th scope="col" class="num"><a href="/funds/A/">A</a></th>');
    const sums = summaryTableHtml(table, { labelledBy: "s", notes, href: () => undefined }, "Share of AUM");
    expect(sums).toContain("Since listing");
    expect(sums).toContain("33.3%");
  });

  it("writes the exact figures a day a row, empty where there is none, with a note of each day's state", () => {
    const lines = flowCsv(table).trimEnd().split("\r\n");
    expect(lines[0]).toBe("date,A_usd_m,B_usd_m,C_usd_m,Total_usd_m,note");
    expect(lines[1]).toBe("2026-01-12,33.33333333,33.33333333,,66.66666666,");
    expect(lines[2]).toBe("2026-01-13,-95.1,0.0,33.33333333,-61.76666667,provisional: B; restated: A");
    expect(lines[4]).toBe("2026-01-19,,,,,market closed: Martin Luther King Jr. Day");
    expect(lines[5]).toBe("2026-01-20,,12.3,1.0,13.3,partial: awaiting A");
  });
});

function slice(date: string, aum: number, flow: number | null, market = 0): Slice {
  return {
    label: date,
    start: date,
    end: date,
    status: flow === null ? "closed" : "final",
    aum,
    flow,
    market,
    other: 0,
    fee: 0,
    income: 0,
    distribution: 0,
    cumulative: 0,
    units: null,
    price: null,
    priceStale: false,
    awaiting: [],
  };
}

describe("the cycle, from the record", () => {
  it("finds the turning points of moves of 30% or more", () => {
    const values = [100, 120, 140, 130, 90, 95, 80, 110, 125];
    const points = values.map((value, i) => ({ date: `2026-01-${String(i + 1).padStart(2, "0")}`, value }));
    expect(turningPoints(points, 0.3)).toEqual([0, 2, 6, 8]);
  });

  it("splits each swing into investors and price, and counts its regimes", () => {
    const days = [
      slice("2026-01-01", 100, 0),
      slice("2026-01-02", 150, 20, 30),
      slice("2026-01-03", 90, -10, -50),
    ];
    const regimes = new Map([
      ["2026-01-02", "inflow-led"],
      ["2026-01-03", "outflow-led"],
    ]);
    const [rise, fall] = swingsOf(days, regimes, 0.3);
    expect(rise).toMatchObject({ from: "2026-01-01", to: "2026-01-02", flow: 20, market: 30, inflowLed: 1 });
    expect(fall).toMatchObject({
      from: "2026-01-02",
      to: "2026-01-03",
      flow: -10,
      market: -50,
      outflowLed: 1,
    });
  });

  it("shades runs of a regime, weekends included, and finds runs of outflow days", () => {
    const rows = [
      { start: "2026-05-15", regime: "outflow-led", net_flow_usd: "-1.00" },
      { start: "2026-05-16", regime: "outflow-led", net_flow_usd: null },
      { start: "2026-05-18", regime: "outflow-led", net_flow_usd: "-1.00" },
      { start: "2026-05-19", regime: "mixed", net_flow_usd: "2.00" },
      { start: "2026-05-20", regime: "inflow-led", net_flow_usd: "2.00" },
    ];
    expect(regimeBands(rows).map((b) => [b.from, b.to])).toEqual([
      ["2026-05-15", "2026-05-18"],
      ["2026-05-20", "2026-05-20"],
    ]);
    const days = [
      slice("2026-05-14", 1, 5),
      slice("2026-05-15", 1, -1),
      slice("2026-05-16", 1, null),
      slice("2026-05-18", 1, -2),
      slice("2026-05-19", 1, -3),
      slice("2026-05-20", 1, 4),
    ];
    expect(outflowStreaks(days, 3)).toEqual([{ from: "2026-05-15", to: "2026-05-19", days: 3, flow: -6 }]);
  });
});

describe("links a reader can follow", () => {
  it("uses the site's own address when it has one, else relative links, and ids independent of either", () => {
    expect(absolute("/sitemap.xml", new URL("https://aumflow.example/"))).toBe(
      "https://aumflow.example/sitemap.xml",
    );
    expect(absolute("/weekly/", undefined)).toBe("/weekly/");
    expect(tagId("/weekly/2026-W34/")).toBe("tag:aumflow,2024:weekly/2026-W34");
  });

  it("links a source by the address it names, the filer's EDGAR page, or the publisher's table", () => {
    expect(
      sourceLink(
        "ETHE 10-Q Q2 2024 note 10 (sec.gov/Archives/edgar/data/1725210/000095017024089614/R16.htm)",
      ),
    ).toEqual({
      text: "ETHE 10-Q Q2 2024 note 10",
      href: "https://www.sec.gov/Archives/edgar/data/1725210/000095017024089614/R16.htm",
    });
    expect(sourceLink("Grayscale Bitcoin Mini Trust 10-Q (SEC EDGAR CIK 2015034)").href).toBe(
      "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=2015034",
    );
    expect(sourceLink("farside", "ETH")).toEqual({
      text: "Farside's ETH ETF flow table",
      href: "https://farside.co.uk/eth/",
    });
    expect(sourceLink("a note with no address")).toEqual({ text: "a note with no address" });
  });
});
