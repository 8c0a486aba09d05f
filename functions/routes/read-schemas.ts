// The answers of the reads as the OpenAPI document describes them. Each schema is checked against the
// TypeScript wire type the code builds (shared/export.ts, db/*): a field added to one and not the
// other is a type error, so the document cannot drift from the answers.
import { z } from "@hono/zod-openapi";
import { DAY_STATES, STAKING_POLICIES, VEHICLES } from "../../shared/domain.ts";
import type {
  ExportAggregates,
  ExportDocument,
  ExportYearPage,
  FundDayRow,
  FundSummary,
  RevisionRow,
  Summary,
} from "../../shared/export.ts";
import type { FlowRecord } from "../db/flows.ts";
import type { PriceRecord } from "../db/prices.ts";
import { AggregateRowSchema } from "./aggregate-schema.ts";

const Usd = z.string().openapi({ description: "US$, a decimal string to the cent", example: "111700000.00" });
const Units = z.string().openapi({ description: "Coins, a decimal string at the asset's precision" });
const Price = z.string().openapi({ description: "US$ close, 8 decimals", example: "60989.57352200" });
const Time = z.string().openapi({ description: "ISO 8601 timestamp", example: "2026-08-13T02:30:06.000Z" });
const Day = z.string().openapi({ description: "YYYY-MM-DD", example: "2026-08-21" });
const Completeness = z.enum(["complete", "partial", "none"]).nullable();

/** Checks, at compile time, that a schema's output is exactly the wire type T. */
function matches<T>() {
  return <S extends z.ZodType<T, T>>(
    schema: S & (z.infer<S> extends T ? (T extends z.infer<S> ? S : never) : never),
  ) => schema;
}

export const FundDayRowSchema = matches<FundDayRow>()(
  z
    .object({
      date: Day,
      state: z.enum(DAY_STATES),
      price_usd: Price.nullable(),
      price_stale: z.boolean().openapi({ description: "The close was carried from another day" }),
      units: Units,
      aum_usd: Usd,
      net_flow_usd: Usd.nullable().openapi({
        description: "null when no flow is on record: never 0 for nothing",
      }),
      flow_effect_usd: Usd.nullable(),
      market_effect_usd: Usd,
      other_effect_usd: Usd,
      fee_effect_usd: Usd,
      income_effect_usd: Usd,
      distribution_effect_usd: Usd,
      residual_units: Units.openapi({ description: "Holdings mark minus the rolled-forward coins" }),
      transfer_units: Units,
      income_units: Units,
      distribution_units: Units,
      cumulative_flow_usd: Usd,
    })
    .openapi("FundDayRow"),
);

export const FundSummarySchema = matches<FundSummary>()(
  z
    .object({
      ticker: z.string(),
      name: z.string().nullable().openapi({ description: "null: not known" }),
      issuer: z.string().nullable(),
      asset: z.string(),
      vehicle: z.enum(VEHICLES).nullable(),
      country: z.string(),
      exchange: z.string().nullable(),
      listed_on: Day,
      delisted_on: Day.nullable(),
      fee_bps: z.number().nullable(),
      staking_policy: z.enum(STAKING_POLICIES).nullable(),
      former_tickers: z.array(z.object({ ticker: z.string(), changed_on: Day })),
      fee_history: z.array(
        z.object({
          date: Day,
          fee_bps: z.number(),
          waiver: z
            .object({ fee_bps: z.number(), until: Day.nullable(), up_to_usd: Usd.nullable() })
            .nullable(),
        }),
      ),
      days_version: z.number().int().nullable().openapi({
        description:
          "The data_version at which the fund's daily rows last changed (null before any were computed): fetch /daily again only when it moves",
      }),
      latest: z
        .object({
          date: Day,
          state: z.enum(DAY_STATES),
          aum_usd: Usd,
          units: Units,
          cumulative_flow_usd: Usd,
          market_share: z.string().nullable(),
        })
        .nullable(),
    })
    .openapi("FundSummary"),
);

export const FlowRecordSchema = matches<FlowRecord>()(
  z
    .object({
      fund: z.string(),
      date: Day,
      source: z.string(),
      net_flow_usd: Usd.nullable().openapi({ description: "null for a withdrawn figure" }),
      units: Units.nullable(),
      status: z.string().openapi({ description: "final, provisional or withdrawn" }),
      recorded_at: Time,
      observed_at: Time.nullable(),
      used: z.boolean().openapi({ description: "The value the engine uses for this fund-day" }),
      reason: z.string().openapi({ description: "Why it is or is not used, in words" }),
      difference_usd: Usd.nullable().openapi({ description: "This value minus the used one" }),
    })
    .openapi("FlowRecord"),
);

export const PriceRecordSchema = matches<PriceRecord>()(
  z
    .object({
      asset: z.string(),
      date: Day,
      source: z.string(),
      close_usd: Price,
      recorded_at: Time,
      observed_at: Time.nullable(),
      used: z.boolean(),
      difference_usd: Price.openapi({ description: "This close minus the used one" }),
    })
    .openapi("PriceRecord"),
);

export const RevisionRowSchema = matches<RevisionRow>()(
  z
    .object({
      id: z.number(),
      entity: z.enum(["fund", "asset", "price", "flow", "holding", "event", "source_rank"]),
      subject: z.string(),
      date: Day.nullable(),
      key: z.string(),
      old_value: z.unknown().openapi({ description: "The value it replaced (JSON); null when new" }),
      new_value: z.unknown(),
      recorded_at: Time,
      observed_at: Time.nullable().openapi({ description: "When the public first saw it, where known" }),
      source: z.string(),
    })
    .openapi("RevisionRow"),
);

const Change = z.object({
  from: Day,
  to: Day,
  aum_change_usd: Usd,
  flow_effect_usd: Usd,
  market_effect_usd: Usd,
  other_effect_usd: Usd,
  fee_effect_usd: Usd,
  income_effect_usd: Usd,
  distribution_effect_usd: Usd,
});

export const SummarySchema = matches<Summary>()(
  z
    .object({
      data_version: z.number(),
      report_date: Day.nullable().openapi({ description: "The newest day with any figure" }),
      report_date_completeness: Completeness,
      report_date_awaiting: z.array(z.string()),
      headline_date: Day.nullable().openapi({ description: "The last complete day: the headline's" }),
      last_final_date: Day.nullable(),
      provisional_dates: z.array(Day),
      missing: z.array(z.object({ fund: z.string(), date: Day })),
      total_aum_usd: Usd.nullable(),
      changes: z.object({ day: Change, week: Change, month: Change, ytd: Change }).nullable(),
      net_flow_usd: Usd.nullable(),
      streak: z.number(),
      regime: z.enum(["inflow-led", "outflow-led", "mixed"]),
      organic_growth_20d: z.string().nullable(),
      top_inflows: z.array(z.object({ fund: z.string(), net_flow_usd: Usd })),
      top_outflows: z.array(z.object({ fund: z.string(), net_flow_usd: Usd })),
      by_asset: z.array(
        z.object({
          asset: z.string(),
          aum_usd: Usd.nullable(),
          headline_date: Day.nullable(),
          net_flow_usd: Usd.nullable(),
          report_date: Day.nullable(),
          completeness: Completeness,
          awaiting: z.array(z.string()),
        }),
      ),
    })
    .openapi("Summary"),
);

const ExportAggregatesSchema = matches<ExportAggregates>()(
  z.object({
    day: z.array(AggregateRowSchema),
    week: z.array(AggregateRowSchema),
    month: z.array(AggregateRowSchema),
    ytd: z.array(AggregateRowSchema),
  }),
);

const NextPage = z.string().nullable().openapi({
  description: "Path and query of the next year's page; null on the last page",
  example: "/v1/export?year=2025",
});

export const ExportDocumentSchema = matches<ExportDocument>()(
  z
    .object({
      data_version: z.number(),
      generated_at: Time,
      summary: SummarySchema,
      assets: z.array(z.object({ symbol: z.string(), name: z.string(), decimals: z.number() })),
      funds: z.array(FundSummarySchema),
      aggregates: ExportAggregatesSchema.openapi({
        description: "The first year's rows (an ISO week counts in the year of its Monday)",
      }),
      next: NextPage,
    })
    .openapi("ExportDocument"),
);

export const ExportYearPageSchema = matches<ExportYearPage>()(
  z
    .object({
      data_version: z.number(),
      year: z.number().int().openapi({ example: 2025 }),
      aggregates: ExportAggregatesSchema.openapi({ description: "The year's rows" }),
      next: NextPage,
    })
    .openapi("ExportYearPage"),
);
