// The MCP tools: read-only views of the public reads, each with a JSON Schema of its arguments
// (generated from the zod schema that checks them) and a description an agent can act on.
import { z } from "zod";
import { isIsoDate } from "../../shared/dates.ts";
import { GROUP_BYS } from "../../shared/export.ts";
import {
  DEFAULT_FUND_DAYS,
  MAX_AGGREGATE_ROWS,
  MAX_FUND_DAYS,
  MAX_REVISIONS,
  readAggregate,
  readFlowTable,
  readFundDays,
  readFunds,
  readRevisions,
  readSummary,
} from "./reads.ts";

/** The conventions every answer follows, said once to the client at initialize. */
export const CONVENTIONS = [
  "aumflow tracks the assets under management (AUM) of crypto investment funds (spot bitcoin, ether and solana ETFs, ETPs and trusts) day by day.",
  'Money: US dollar amounts are decimal strings exact to the cent ("-54900000.00" is a $54.9 million outflow); never floats. Keep them as strings or use decimal arithmetic.',
  "Coin amounts (units) are decimal strings at the asset's precision (BTC 8, ETH 18, SOL 9 decimals); price_usd is the asset's UTC daily close with 8 decimals; ratios and shares are decimal strings with 6 decimals (0.412000 is 41.2%).",
  "Dates are YYYY-MM-DD: a flow is dated by the fund's trading day on its exchange. Timestamps (as_of, since, recorded_at) are ISO 8601 with a time zone.",
  "Day states: final (a final flow is on record), provisional (only a provisional figure, often a publisher's placeholder 0.0 filled in later), missing (a trading day with no figure yet: unknown, never zero), holiday (the exchange was closed), not_listed (before listing or after delisting).",
  "Every day's AUM change splits exactly, to the cent, into flow_effect (the net flow: what investors put in or took out), market_effect (the previous day's coins times the price change), fee_effect (coins given up in fees, <= 0), income_effect (staking rewards kept, >= 0), distribution_effect (paid out to shareholders, <= 0) and other_effect (coins moved by corporate actions, reconciliation to reported holdings, coins held on a fund's first day, rounding remainders).",
  "Completeness of a group's day: complete (every listed fund has a final or provisional figure), partial (some have none yet; awaiting names them, and the sums are what was reported so far, not the day's total), none (no figure yet), null (none of the group's funds trades that day). A week, month or year is complete when each of its trading days is.",
  "report_date is the newest day with any figure; headline_date the last complete day, which headline figures are of.",
].join("\n");

const MONEY = "US$ amounts are decimal strings exact to the cent.";

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isIsoDate, "must be a real calendar date written YYYY-MM-DD");
const isTimestamp = (text: string) => z.iso.datetime({ offset: true }).safeParse(text).success;
const Timestamp = z
  .string()
  .refine(isTimestamp, "must be an ISO 8601 timestamp with a time zone, such as 2026-08-14T00:00:00Z")
  .meta({ format: "date-time" });
const Ticker = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.]{0,11}$/, "must be a fund ticker such as IBIT");
const AssetSymbol = z.string().regex(/^[A-Za-z0-9]{2,10}$/, "must be an asset symbol such as BTC");
const upper = (text: string) => text.toUpperCase();

export interface Tool {
  name: string;
  title: string;
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  run: (env: Env, input: Record<string, unknown>) => Promise<object>;
}

/** A tool whose handler gets its arguments as its own schema parsed them. */
function tool<Schema extends z.ZodType<Record<string, unknown>>>(spec: {
  name: string;
  title: string;
  description: string;
  input: Schema;
  run: (env: Env, input: z.output<Schema>) => Promise<object>;
}): Tool {
  return spec as unknown as Tool;
}

export const TOOLS: readonly Tool[] = [
  tool({
    name: "get_summary",
    title: "Headline figures",
    description:
      "The latest headline figures, as GET /v1/summary serves them. total_aum_usd, changes (day, week, month, ytd: the AUM change and its split into flow, market, fee, income, distribution and other effects), net_flow_usd, streak (+n inflow / -n outflow trading days in a row), regime (inflow-led / outflow-led / mixed, from the 20-day organic growth rate) and top_inflows/top_outflows are of headline_date, the last day on which every listed fund has a figure. report_date is the newest day with any figure; report_date_completeness (complete / partial / none) and report_date_awaiting (tickers with no figure yet) say how far it is filled in. by_asset gives each asset's own headline day and report-date state. missing lists fund-days with no figure yet. " +
      MONEY,
    input: z.object({}).strict(),
    run: (env) => readSummary(env),
  }),
  tool({
    name: "list_funds",
    title: "Funds",
    description:
      "Every fund (as GET /v1/funds): ticker, name, issuer, asset, vehicle (spot_etf, etp, trust, fund), country, exchange (MIC; decides its trading days), listed_on, delisted_on, fee_bps (sponsor fee, basis points a year) and staking_policy; null where nothing published is known. latest is the fund's newest computed day: date, state, aum_usd, units (coins held), cumulative_flow_usd (every flow since listing) and market_share (its share of the AUM of the funds holding the same asset, 6 decimals). " +
      MONEY,
    input: z
      .object({
        asset: AssetSymbol.transform(upper)
          .optional()
          .describe("Only the funds holding this asset, such as BTC"),
      })
      .strict(),
    run: async (env, input) => {
      const funds = await readFunds(env.DB, input.asset);
      return { ...(input.asset ? { asset: input.asset } : {}), count: funds.length, funds };
    },
  }),
  tool({
    name: "get_fund_days",
    title: "A fund's daily rows",
    description:
      `One fund's rows, one per calendar day from from to to (both included), as GET /v1/funds/{ticker}/daily serves them; at most ${MAX_FUND_DAYS} days per call (split longer ranges). Without to the range ends on the fund's latest day; without from it is ${DEFAULT_FUND_DAYS} days long. as_of gives the figures as they were known at that moment (recomputed from the ledger as it stood). ` +
      "Each row: state (final, provisional, missing, holiday, not_listed), price_usd (UTC close, 8 decimals; price_stale: carried forward from an earlier close), units (coins held at the day's end), aum_usd (units x price), net_flow_usd (the day's net creations minus redemptions; null when none is on record), the split of the change in AUM from the previous day: flow_effect_usd + market_effect_usd + fee_effect_usd + income_effect_usd + distribution_effect_usd + other_effect_usd, exactly; residual_units (reconciliation to a reported holding), transfer_units (corporate actions), income_units, distribution_units, cumulative_flow_usd. " +
      MONEY,
    input: z
      .object({
        ticker: Ticker.transform(upper).describe("The fund's ticker (or a former ticker), such as FBTC"),
        from: IsoDate.optional().describe("First day, YYYY-MM-DD"),
        to: IsoDate.optional().describe("Last day, YYYY-MM-DD"),
        as_of: Timestamp.optional().describe("Figures as known at this moment, such as 2026-08-15T00:00:00Z"),
      })
      .strict(),
    run: (env, input) => readFundDays(env, input),
  }),
  tool({
    name: "get_aggregate",
    title: "Aggregates by group and period",
    description:
      `AUM, flows, the split of the AUM change and the indicators for all funds (by=total) or per asset, issuer, country or vehicle, per day, ISO week (2024-W02), month (2024-01) or year to date (2024): the rows of GET /v1/aggregate. At most ${MAX_AGGREGATE_ROWS} rows per call, whole calendar years at a time (an ISO week counts in the year of its Monday): when more remain, next_from is the from to call again with (the same other arguments); a single year over the cap is refused: narrow from/to, name one group with key, or take a longer period. Without from: the 30 days, 13 weeks or 12 months up to to (or the latest day); the whole history for ytd. ` +
      "Each row: label, start, end, aum_usd (at the period's end), net_flow_usd (sum of the flows on record; null if none; low while completeness is partial), flow/market/fee/income/distribution/other_effect_usd, cumulative_flow_usd, flow_5d_usd and flow_20d_usd (last 5 / 20 trading days), organic_growth_20d (flow_20d over the AUM before the window), streak, breadth (share of reporting funds with an inflow), market_share_aum and market_share_flow (of the total), regime, funds_listed/reporting/inflow/outflow/provisional/missing (fund-days, summed over the period), completeness (complete, partial, none; null when no fund trades) and awaiting (tickers still without a figure). " +
      MONEY,
    input: z
      .object({
        by: z.enum(GROUP_BYS).default("total").describe("Grouping"),
        key: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe("One group only: an asset (BTC), issuer (BlackRock), country (US) or vehicle (spot_etf)"),
        period: z.enum(["day", "week", "month", "ytd"]).default("day").describe("Period of each row"),
        from: IsoDate.optional().describe("First day covered, YYYY-MM-DD"),
        to: IsoDate.optional().describe("Last day covered, YYYY-MM-DD"),
      })
      .strict(),
    run: (env, input) => readAggregate(env.DB, input),
  }),
  tool({
    name: "get_flow_table",
    title: "The flow table of one day",
    description:
      "Every listed fund's flow on one trading day, like a publisher's daily flow table: state (final, provisional, missing, holiday), net_flow_usd (the figure used; null when missing: not yet reported, never zero), source (whose figure it is), aum_usd, and other_figures (other sources' figures for the same fund-day, with their difference from the one used and why they are not used). by_asset and total give each asset's and all funds' net flow and AUM that day, the fund counts, completeness (complete, partial, none; null when no fund trades, as on a weekend) and awaiting (the funds with no figure yet). On a partial day the sums are what was reported so far, not the day's total. Without date: the report date (the newest day with any figure). " +
      MONEY,
    input: z
      .object({ date: IsoDate.optional().describe("The trading day, YYYY-MM-DD; default: the report date") })
      .strict(),
    run: async (env, input) => {
      const table = await readFlowTable(env.DB, input.date);
      if (table.total !== null || table.date === null) return table;
      const note = `No figures for ${table.date}: aumflow's days run up to the report date ${table.report_date}.`;
      return { ...table, note };
    },
  }),
  tool({
    name: "get_revisions",
    title: "Revisions feed",
    description: `What changed, oldest first, as GET /v1/revisions serves it: each revision's entity (fund, asset, price, flow, holding, event, source_rank), subject (fund ticker or asset), date (the fact's day; null for metadata), old_value (null for a new fact), new_value, recorded_at (when aumflow stored it), observed_at (when the public first saw it, if known) and source. Restatements only (revisions that replaced an old value) unless restated is false. since pages forward: pass an ISO timestamp for changes recorded after it, or next_since of the previous answer (a revision id); next_since is null on the last page. At most ${MAX_REVISIONS} per call.`,
    input: z
      .object({
        since: z
          .string()
          .refine(
            (text) => /^\d+$/.test(text) || isTimestamp(text),
            "must be an ISO 8601 timestamp or a revision id",
          )
          .optional()
          .describe("An ISO timestamp, or a revision id (next_since) to page from"),
        subject: z.string().min(1).max(20).optional().describe("Only this fund ticker or asset symbol"),
        entity: z
          .enum(["fund", "asset", "price", "flow", "holding", "event", "source_rank"])
          .optional()
          .describe("Only this kind of fact"),
        restated: z.boolean().default(true).describe("true: restatements only; false: new facts too"),
        limit: z.int().min(1).max(MAX_REVISIONS).default(100).describe("Revisions per answer"),
      })
      .strict(),
    run: (env, input) => readRevisions(env, input),
  }),
];

/** tools/list's view of a tool: the JSON Schema of its arguments, and hints that it only reads. */
export function describeTool(tool: Tool) {
  const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(tool.input, { io: "input" });
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema,
    annotations: {
      title: tool.title,
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  };
}
