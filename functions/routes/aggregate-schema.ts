// The rows of GET /v1/aggregate as the OpenAPI document describes them (shared/export.ts AggregateRow).
import { z } from "@hono/zod-openapi";
import { GROUP_BYS } from "../../shared/export.ts";

const Usd = z.string().openapi({ description: "US$, a decimal string to the cent", example: "111700000.00" });
const Share = z
  .string()
  .openapi({ description: "A ratio as a decimal string, 6 decimals", example: "0.412000" });

export const AggregateRowSchema = z
  .object({
    by: z.enum(GROUP_BYS),
    key: z
      .string()
      .openapi({ description: '"all" for by=total; else the asset, issuer, country or vehicle' }),
    period: z.enum(["day", "week", "month", "ytd"]),
    label: z.string().openapi({ description: '"2024-01-11", "2024-W02", "2024-01" or "2024"' }),
    start: z.string().openapi({ description: "First day covered (a period cut by the range says so)" }),
    end: z.string().openapi({ description: "Last day covered" }),
    aum_usd: Usd.openapi({ description: "AUM at the end of the period" }),
    net_flow_usd: Usd.nullable().openapi({
      description:
        "Sum of the flows on record; null when no fund of the group has one. Low while completeness is partial.",
    }),
    flow_effect_usd: Usd,
    market_effect_usd: Usd,
    other_effect_usd: Usd,
    fee_effect_usd: Usd.openapi({ description: "Fee drag at the fee in force each day (<= 0)" }),
    income_effect_usd: Usd.openapi({ description: "Staking rewards retained, at each day's close (>= 0)" }),
    distribution_effect_usd: Usd.openapi({ description: "Value paid out to shareholders (<= 0)" }),
    cumulative_flow_usd: Usd.openapi({ description: "Every flow on record up to the period's end" }),
    flow_5d_usd: Usd.openapi({ description: "Flows of the last 5 trading days at the period's end" }),
    flow_20d_usd: Usd.openapi({ description: "Flows of the last 20 trading days at the period's end" }),
    organic_growth_20d: Share.nullable().openapi({
      description: "flow_20d_usd / AUM before the 20-day window; null when that AUM is 0",
    }),
    streak: z.int().openapi({ description: "+n consecutive inflow trading days, −n outflow days" }),
    streak_record_inflow: z.int(),
    streak_record_outflow: z.int(),
    breadth: Share.nullable().openapi({
      description: "funds_inflow / funds_reporting; null when none reported",
    }),
    market_share_aum: Share.nullable().openapi({ description: "Share of the total's AUM" }),
    market_share_flow: Share.nullable().openapi({ description: "Share of the total's gross flows" }),
    regime: z.enum(["inflow-led", "outflow-led", "mixed"]),
    funds_listed: z.int().openapi({ description: "Funds listed on the period's last day" }),
    funds_reporting: z.int().openapi({ description: "Fund-days with a figure (final or provisional)" }),
    funds_inflow: z.int(),
    funds_outflow: z.int(),
    funds_provisional: z.int().openapi({ description: "Fund-days whose figure is provisional" }),
    funds_missing: z.int().openapi({
      description: "Fund-days of listed funds on a trading day with no figure yet (never counted as 0)",
    }),
    completeness: z
      .enum(["complete", "partial", "none"])
      .nullable()
      .openapi({
        description:
          "complete: every listed fund has a final or provisional figure; partial: some have none yet " +
          "(see awaiting); none: no figure has arrived. A week, month or year is complete when each of " +
          "its trading days is, none when none of them has a figure, else partial. Null when none of " +
          "the group's funds trades in the period (a weekend, a holiday).",
      }),
    awaiting: z.array(z.string()).openapi({
      description:
        "Tickers of the group's funds with no figure yet on some trading day of the period, sorted " +
        "(in CSV, one cell joined by ';')",
      example: ["IBIT"],
    }),
  })
  .openapi("AggregateRow");
