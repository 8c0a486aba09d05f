// The open data files: every table the site is built from, as CSV and JSON, with SHA-256 checksums.
// Values are the API's exact decimal strings, never the rounded figures shown on pages.
import { createHash } from "node:crypto";
import { GROUP_BYS } from "../../../shared/export.ts";
import { type Bytes, factDateOf, type Revision, subjectOf } from "./history.ts";
import type { CachedHistory, FileSum } from "./history-cache.ts";
import type { Model } from "./model.ts";
import { csvBody, jsonBody } from "./records.ts";

type Record_ = Record<string, unknown>;

export interface DataTable {
  /** Path under /data/ without the extension: "funds", "aggregates/week-issuer", "funds/IBIT". */
  name: string;
  title: string;
  description: string;
  /** Daily rows of one fund, listed apart from the shared tables. */
  fund?: string;
  records: () => Record_[];
  /**
   * Files already written at load (a fund's daily rows): served as they are, never rendered again;
   * with their sizes and checksums when the history cache knows them, so that listing a file kept
   * from the last build does not read it.
   */
  rendered?: () => {
    csv: () => Bytes;
    json: () => Bytes;
    rows: number;
    sums?: Record<"csv" | "json", FileSum>;
  };
}

export interface DataFile {
  path: string;
  table: DataTable;
  format: "csv" | "json";
  bytes: number;
  sha256: string;
  rows: number;
}

const PERIODS = ["day", "week", "month", "ytd"] as const;
const PERIOD_WORDS = { day: "day", week: "ISO week", month: "month", ytd: "year to date" };

export function dataTables(model: Model): DataTable[] {
  const doc = model.data.export;
  const shared: DataTable[] = [
    {
      name: "funds",
      title: "Funds",
      description: "Every fund's metadata and latest figures.",
      records: () =>
        model.funds.map(({ latest, ...fund }) => ({
          ...fund,
          latest_date: latest?.date ?? null,
          latest_state: latest?.state ?? null,
          aum_usd: latest?.aum_usd ?? null,
          units: latest?.units ?? null,
          cumulative_flow_usd: latest?.cumulative_flow_usd ?? null,
          market_share: latest?.market_share ?? null,
        })),
    },
    {
      name: "assets",
      title: "Assets",
      description: "The assets funds hold.",
      records: () => [...doc.assets],
    },
    {
      name: "changes",
      title: "Headline changes",
      description: "Change in total AUM today, this week, this month and year to date, split into its parts.",
      records: () =>
        Object.entries(doc.summary.changes ?? {}).map(([period, change]) => ({ period, ...change })),
    },
    ...PERIODS.flatMap((period) =>
      GROUP_BYS.map(
        (by): DataTable => ({
          name: `aggregates/${period}-${by}`,
          title: `By ${PERIOD_WORDS[period]}, ${by === "total" ? "all funds" : `per ${by}`}`,
          description: `AUM, flows, their split and every indicator, one row per ${by === "total" ? "" : `${by} and `}${PERIOD_WORDS[period]}.`,
          records: () => doc.aggregates[period].filter((row) => row.by === by) as unknown as Record_[],
        }),
      ),
    ),
    {
      name: "revisions",
      title: "Revisions",
      description:
        "Every restatement: what it is about (fund or asset, and date), the old and the new value, when the public first saw it and when it was recorded, and from which source.",
      // The storage key the API files a fact under is left out: subject and date say what it is about.
      records: () =>
        model.data.revisions.map((r: Revision) => ({
          id: r.id,
          entity: r.entity,
          subject: subjectOf(r) ?? null,
          date: factDateOf(r),
          old_value: JSON.stringify(r.old_value),
          new_value: JSON.stringify(r.new_value),
          observed_at: r.observed_at ?? null,
          recorded_at: r.recorded_at,
          source: r.source,
        })),
    },
  ];
  const perFund = model.funds.map(
    (fund): DataTable => ({
      name: `funds/${fund.ticker}`,
      title: fund.ticker,
      description: `${fund.name ?? "Name not published"}: one row per calendar day.`,
      fund: fund.ticker,
      records: () => model.fundRows(fund.ticker) as unknown as Record_[],
      rendered: () => {
        const history = model.fundHistory(fund.ticker);
        return {
          csv: () => history.csv,
          json: () => history.json,
          rows: history.length,
          ...("sums" in history && { sums: (history as CachedHistory).sums }),
        };
      },
    }),
  );
  return [...shared, ...perFund];
}

export function renderFile(table: DataTable, format: "csv" | "json"): { body: string | Bytes; rows: number } {
  const rendered = table.rendered?.();
  if (rendered) return { body: rendered[format](), rows: rendered.rows };
  const records = table.records();
  return { body: format === "json" ? jsonBody(records) : csvBody(records), rows: records.length };
}

const catalogs = new WeakMap<Model, DataFile[]>();

/** Every file with its size and checksum, computed once per build (the bodies are not kept). */
export function dataCatalog(model: Model): DataFile[] {
  const cached = catalogs.get(model);
  if (cached) return cached;
  const files = dataTables(model).flatMap((table) =>
    (["csv", "json"] as const).map((format): DataFile => {
      const rendered = table.rendered?.();
      const sum = rendered?.sums?.[format];
      if (rendered && sum)
        return { path: `${table.name}.${format}`, table, format, ...sum, rows: rendered.rows };
      const { body, rows } = renderFile(table, format);
      const bytes = Buffer.byteLength(body);
      const sha256 = createHash("sha256").update(body).digest("hex");
      const file: DataFile = { path: `${table.name}.${format}`, table, format, bytes, sha256, rows };
      bodies.set(file, body);
      return file;
    }),
  );
  catalogs.set(model, files);
  return files;
}

/** Bodies the catalog rendered for their checksums, until their file is written: rendered once. */
const bodies = new WeakMap<DataFile, string | Bytes>();

/** A listed file's body, for writing it: the catalog's, else rendered now. */
export function fileBody(file: DataFile): string | Bytes {
  const body = bodies.get(file);
  if (body === undefined) return renderFile(file.table, file.format).body;
  bodies.delete(file);
  return body;
}

/** The sha256sum-style listing, so a download can be checked with `sha256sum -c`. */
export function checksumList(files: DataFile[]): string {
  return `${files.map((file) => `${file.sha256}  ${file.path}`).join("\n")}\n`;
}
