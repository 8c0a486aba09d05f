// Farside's revision log replayed over the last capture (data/market), as the public saw it.
import { describe, expect, it } from "vitest";
import btcText from "../../../data/market/farside-btc-etf-flows.csv?raw";
import ethText from "../../../data/market/farside-eth-etf-flows.csv?raw";
import logText from "../../../data/market/farside-revision-log.csv?raw";
import solText from "../../../data/market/farside-sol-etf-flows.csv?raw";
import fundsText from "../../../data/market/funds.csv?raw";
import { farsideImport } from "../../../shared/import/farside-flows.ts";
import { type FarsideTable, parseFarsideTable } from "../../../shared/import/farside-table.ts";
import { tablesAt } from "../../../shared/import/log-state.ts";
import { readImportFile } from "../../../shared/import/long.ts";
import { flowKey, replayFile } from "../../../shared/import/pack.ts";
import { listingDates } from "../../../shared/import/reference.ts";
import { replayRevisionLog } from "../../../shared/import/replay.ts";
import { type LogChange, parseRevisionLog } from "../../../shared/import/revision-log.ts";
import type { FundInput, ReplayFlow } from "../../../shared/import/types.ts";

const listedOn = listingDates([], readImportFile(fundsText, "funds.csv").rows as FundInput[]);
const tables = [
  parseFarsideTable(btcText, "farside-btc"),
  parseFarsideTable(ethText, "farside-eth"),
  parseFarsideTable(solText, "farside-sol"),
];
const log = parseRevisionLog(logText);
const replay = replayRevisionLog(tables, log, listedOn);

const cell = (table: FarsideTable | undefined, label: string, column: string) => {
  const row = table?.rows.find((candidate) => candidate.label === label);
  return row ? row.cells[table?.tickers.indexOf(column) ?? -1] : undefined;
};

/** What an as_of read would show: each key's last row observed by `until`, withdrawn ones gone. */
function asSeen(rows: readonly ReplayFlow[], until = "9999"): string[] {
  const latest = new Map<string, ReplayFlow>();
  for (const row of rows) if ((row.observed_at ?? "") <= until) latest.set(flowKey(row), row);
  return shown([...latest.values()]);
}

/** Key, value and status of the rows with a figure, sorted: what two imports must agree on. */
function shown(rows: readonly ReplayFlow[]): string[] {
  return rows
    .flatMap((row) =>
      row.status === "withdrawn" ? [] : [`${flowKey(row)} ${row.net_flow_usd} ${row.status}`],
    )
    .sort();
}

function byKey(rows: readonly ReplayFlow[]): Map<string, ReplayFlow[]> {
  const groups = new Map<string, ReplayFlow[]>();
  for (const row of rows) groups.set(flowKey(row), [...(groups.get(flowKey(row)) ?? []), row]);
  return groups;
}

/** A plain import of `tables` (no observed_at). */
function plain(at: Iterable<FarsideTable>): string[] {
  return shown([...at].flatMap((table) => farsideImport(table, listedOn).flows));
}

describe("the revision log", () => {
  it("reads every change, in the order it was observed", () => {
    expect(log).toHaveLength(7361);
    expect(log.every((change, i) => i === 0 || (log[i - 1] as LogChange).time <= change.time)).toBe(true);
    expect(log[0]).toMatchObject({ asset: "BTC", label: "17 Nov 2025", column: "Total", event: "row_added" });
    expect(log.at(-1)?.time).toBe("2026-08-22T05:00:06Z");
    expect(() => parseRevisionLog("asset,row_date\nBTC,Seed\n")).toThrow(/no column column, event/);
  });

  it("undoes every change to give the first capture", () => {
    const first = tablesAt(tables, log, "2025-11-17T12:00:00Z");
    const btc = first.get("BTC");
    // Rows the log added later did not exist yet: the latest day then was Friday 14 Nov 2025.
    expect(btc?.rows.at(-1)?.label).toBe("14 Nov 2025");
    expect(cell(btc, "17 Nov 2025", "BTC")).toBeUndefined();
    expect(cell(btc, "12 Aug 2026", "FBTC")).toBeUndefined();
    // MSBT's column came in April 2026, so the first capture shows nothing in it.
    expect(btc?.rows.every((row) => row.cells[btc.tickers.indexOf("MSBT")] === null)).toBe(true);
    expect(cell(btc, "14 Nov 2025", "IBIT")).toBe(cell(tables[0], "14 Nov 2025", "IBIT"));
    expect(first.get("SOL")?.seed?.cells).toEqual([22_290_000_000n, null, null, null, null, null]);
    expect(first.get("SOL")?.rows.map((row) => row.label)).toHaveLength(11);
  });

  it("reproduces the log cell for cell at any moment", () => {
    const moment = "2026-08-13T02:30:06Z";
    const at = tablesAt(tables, log, moment);
    const btc = at.get("BTC");
    expect(cell(btc, "12 Aug 2026", "IBIT")).toBeNull(); // 0.0 → "-" in that very commit
    expect(cell(btc, "12 Aug 2026", "FBTC")).toBe(-4_680_000_000n); // 0.0 → -46.8, the one restatement
    expect(cell(tablesAt(tables, log, "2026-08-13T02:30:05Z").get("BTC"), "12 Aug 2026", "FBTC")).toBe(0n);
    // Every cell the log names holds its last value by then, or its value before its first change.
    const expected = new Map<string, bigint | null>();
    for (const change of log) {
      const key = `${change.asset}|${change.label}|${change.column}`;
      if (change.time <= moment) expected.set(key, change.new);
      else if (!expected.has(key)) expected.set(key, change.old);
    }
    for (const [key, value] of expected) {
      const [asset = "", label = "", column = ""] = key.split("|");
      const table = at.get(asset);
      const row = label === "Seed" ? table?.seed : table?.rows.find((candidate) => candidate.label === label);
      const found = column === "Total" ? row?.total : row?.cells[table?.tickers.indexOf(column) ?? -1];
      expect(found ?? null, key).toBe(value);
    }
  });
});

describe("replaying the log", () => {
  it("sends the first capture, then every change at its time", () => {
    expect(replay.summary).toEqual({
      firstObservedAt: "2025-11-17T12:00:31Z",
      firstCells: 7946,
      logChanges: 7361,
      cellChanges: 5236,
      added: 5206,
      restated: 1,
      statusOnly: 1039,
      withdrawn: 25,
      dropped: 2,
    });
    expect(replay.rows).toHaveLength(7946 + 5206 + 1 + 1039 + 25);
    const ibit = replay.rows.filter((row) => row.fund === "IBIT" && row.date === "2026-08-12");
    expect(ibit).toEqual([
      {
        fund: "IBIT",
        date: "2026-08-12",
        net_flow_usd: "0.00",
        status: "provisional",
        source: "farside",
        observed_at: "2026-08-12T17:00:08Z",
      },
      {
        fund: "IBIT",
        date: "2026-08-12",
        status: "withdrawn",
        source: "farside",
        observed_at: "2026-08-13T02:30:06Z",
      },
      {
        fund: "IBIT",
        date: "2026-08-12",
        net_flow_usd: "-14300000.00",
        status: "final",
        source: "farside",
        observed_at: "2026-08-13T04:30:04Z",
      },
    ]);
  });

  it("drops MSBT's pre-listing zeros, sending neither them nor their withdrawal", () => {
    expect(replay.rows.filter((row) => row.fund === "MSBT" && row.date < "2026-04-08")).toEqual([]);
    expect(replay.warnings.filter((warning) => warning.includes("before its listing"))).toEqual([
      "farside-btc 11 Jan 2024: MSBT shows 0.0 before its listing on 2026-04-08; not a flow, dropped",
      "farside-btc 07 Apr 2026: MSBT shows 0.0 before its listing on 2026-04-08; not a flow, dropped",
    ]);
  });

  it("shows at every moment what a plain import of the table as it stood then would", () => {
    for (const moment of ["2025-11-17T12:00:31Z", "2026-04-08T08:00:04Z", "2026-08-13T02:30:06Z"]) {
      expect(asSeen(replay.rows, moment), moment).toEqual(plain(tablesAt(tables, log, moment).values()));
    }
  });

  it("ends exactly where the plain import of the last capture is: same values, same statuses", () => {
    const end = asSeen(replay.rows);
    expect(end).toHaveLength(7159 + 4814 + 1154);
    expect(end).toEqual(plain(tables));
  });

  it("dates each seed by its listing and observes it when its cell filled in", () => {
    const seed = (fund: string) => replay.seeds.find((event) => event.fund === fund);
    expect(seed("BSOL")).toMatchObject({ date: "2025-10-28", observed_at: "2025-11-17T12:00:31Z" });
    expect(seed("TSOL")).toMatchObject({ usd: "111000000.00", observed_at: "2025-11-19T14:00:32Z" });
    expect(seed("ETHB")).toMatchObject({ observed_at: "2026-03-13T15:32:39Z" });
    expect(seed("GSOL")).toMatchObject({
      usd: "102700000.00",
      derived: true,
      observed_at: "2025-12-03T20:00:32Z",
    });
    expect(replay.seeds).toHaveLength(8 + 6);
  });

  it("refuses a log that does not fit the tables", () => {
    const wrong = parseRevisionLog(
      logText.replace("BTC,17 Nov 2025,IBIT,changed,,-145.6", "BTC,17 Nov 2025,IBIT,changed,,-145.7"),
    );
    expect(() => replayRevisionLog(tables, wrong, listedOn)).toThrow(
      /IBIT should be -145.7 .* but is -145.6/,
    );
    expect(() => replayRevisionLog(tables.slice(0, 2), log, listedOn)).toThrow(
      /none of the tables given has every column it names for SOL/,
    );
    const extra = parseFarsideTable("Date,IBIT,Total\n11 Jan 2024,1.0,1.0\n", "other");
    expect(() => replayRevisionLog([...tables, extra], log, listedOn)).toThrow(/no change for other/);
  });
});

describe("packing the replay into batches", () => {
  it("needs as many batches as the most-changed key has rows, never a key twice in one, each key in order", () => {
    for (const size of [5000, 10_000, 1000]) {
      const batches = replayFile(replay, size).batches ?? [];
      const most = Math.max(...[...byKey(replay.rows).values()].map((rows) => rows.length));
      expect(most).toBe(4);
      expect(batches.length, String(size)).toBe(Math.max(most, Math.ceil(replay.rows.length / size)));
      expect(batches.every((batch) => batch.length <= size)).toBe(true);
      for (const batch of batches) expect(new Set(batch.map(flowKey)).size).toBe(batch.length);
      // Read back batch after batch, each key's rows come in the order they were observed.
      const sequence = (rows: readonly ReplayFlow[]) =>
        [...byKey(rows).entries()].map(([key, group]) => [key, group.map((row) => row.observed_at)] as const);
      expect(new Map(sequence(batches.flat()))).toEqual(new Map(sequence(replay.rows)));
    }
    expect(replayFile(replay, 5000).batches?.map((batch) => batch.length)).toEqual([3555, 3554, 3554, 3554]);
  });
});
