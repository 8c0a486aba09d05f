// Request and response schemas: one source of truth for validation, types and the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { isIsoDate } from "./dates.ts";
import { FLOW_STATUSES, SCOPES, STAKING_POLICIES, VEHICLES } from "./domain.ts";

export const MAX_ROWS_PER_BATCH = 10_000;
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const Ticker = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9.]{0,11}$/, "must be 1 to 12 upper-case letters, digits or dots")
  .openapi({ example: "IBIT" });
export const AssetSymbol = z
  .string()
  .regex(/^[A-Z0-9]{2,10}$/, "must be an upper-case asset symbol such as BTC")
  .openapi({ example: "BTC" });
export const IsoDate = z
  .string()
  .refine(isIsoDate, "must be a real calendar date written YYYY-MM-DD")
  .openapi({ example: "2024-01-11" });
/**
 * When the public first saw a value (admin only): an ISO timestamp, never in the future. Replays a
 * publisher's revision history so that as_of reads show what was public then.
 */
export const ObservedAt = z.iso.datetime({ offset: true }).openapi({ example: "2026-08-13T02:30:06Z" });
/**
 * Amounts travel as decimal strings; a JSON number is accepted on input. Exactness (and the refusal of
 * spaces, exponents and excess decimals) is checked with the reference data, so that a row's every
 * fault is reported together.
 */
export const DecimalInput = z.union([z.string().max(64), z.number()]).openapi({
  type: "string",
  example: "111700000.00",
  description:
    "An exact decimal: an optional sign, digits, an optional point and digits; no spaces or exponent.",
});
/**
 * Text a person can read: no C0 or C1 control characters (NUL, DEL, ESC...) and no unpaired UTF-16
 * surrogate, which D1 would store as invalid UTF-8 and read back as U+FFFD.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const PLAIN_TEXT = /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const PLAIN_TEXT_RULE = "must not contain control characters or unpaired surrogates";
/** Who reported a fact; a filing's citation can be long (the 10-Q anchors name their tables). */
export const MAX_SOURCE_LENGTH = 500;
export const Source = z.string().trim().min(1).max(MAX_SOURCE_LENGTH).regex(PLAIN_TEXT, PLAIN_TEXT_RULE);
const Text = (max: number) => z.string().trim().min(1).max(max).regex(PLAIN_TEXT, PLAIN_TEXT_RULE);

/** Metadata nobody has published is sent as null ("not known"); the site shows it as not known. */
export const FundInput = z
  .object({
    name: Text(200).nullable(),
    issuer: Text(100).nullable(),
    asset: AssetSymbol,
    vehicle: z.enum(VEHICLES).nullable(),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as US"),
    exchange: z
      .string()
      .regex(/^[A-Z0-9]{4}$/, "must be an ISO 10383 MIC such as XNAS")
      .nullable(),
    listed_on: IsoDate,
    fee_bps: z.number().int().min(0).max(10_000).nullable(),
    /** Omitted: not known. */
    staking_policy: z.enum(STAKING_POLICIES).nullable().default(null),
  })
  .strict()
  .openapi("FundInput");

export const PriceInput = z
  .object({
    asset: AssetSymbol,
    date: IsoDate,
    close_usd: DecimalInput,
    source: Source.optional(),
    observed_at: ObservedAt.optional(),
  })
  .strict()
  .openapi("PriceInput");
export const FlowInput = z
  .object({
    fund: Ticker,
    date: IsoDate,
    /** Required unless status is withdrawn, when it must be left out or null. */
    net_flow_usd: DecimalInput.nullable().optional(),
    units: DecimalInput.optional(),
    status: z.enum(FLOW_STATUSES).default("final"),
    source: Source.optional(),
    observed_at: ObservedAt.optional(),
  })
  .strict()
  .openapi("FlowInput");
export const HoldingInput = z
  .object({
    fund: Ticker,
    date: IsoDate,
    units: DecimalInput,
    source: Source.optional(),
    observed_at: ObservedAt.optional(),
  })
  .strict()
  .openapi("HoldingInput");
const FeeBps = z.number().int().min(0).max(10_000);
const eventOf = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z
    .object({
      type: z.literal(type),
      ...shape,
      note: Text(2000).optional(),
      source: Source.optional(),
      observed_at: ObservedAt.optional(),
    })
    .strict();
export const EventInput = z
  .discriminatedUnion("type", [
    eventOf("transfer", { date: IsoDate, from_fund: Ticker, to_fund: Ticker, units: DecimalInput }),
    eventOf("delisting", { date: IsoDate, fund: Ticker }),
    /** The sponsor's opening position at listing (Farside's Seed row): not a flow; opens the fund's units. */
    eventOf("seed", {
      fund: Ticker,
      date: IsoDate.openapi({ description: "the fund's listing date" }),
      usd: DecimalInput,
      /** True when the publisher's cell was lost and the value was derived from its row total. */
      derived: z.boolean().optional(),
    }),
    /** The fund keeps its history; `fund`, the former ticker, stays an alias of `new_ticker`. */
    eventOf("ticker_change", { fund: Ticker, date: IsoDate, new_ticker: Ticker }),
    /** The sponsor fee in force from `date` on, with an optional waiver (a lower fee for a while or a size). */
    eventOf("fee_change", {
      fund: Ticker,
      date: IsoDate,
      fee_bps: FeeBps,
      waiver: z
        .object({
          fee_bps: FeeBps,
          until: IsoDate.optional().openapi({
            description: "last day of the waiver; none: until the next change",
          }),
          up_to_usd: DecimalInput.optional().openapi({
            description: "the waived fee applies to assets up to this",
          }),
        })
        .strict()
        .optional(),
    }),
    /** Value paid to shareholders on the ex-date, in USD or in coins. */
    eventOf("distribution", {
      fund: Ticker,
      ex_date: IsoDate,
      usd: DecimalInput.optional(),
      units: DecimalInput.optional(),
    }),
    /** Coins credited to the fund by staking. */
    eventOf("staking_reward", { fund: Ticker, date: IsoDate, units: DecimalInput }),
  ])
  .openapi("EventInput");

const batchOf = <T extends z.ZodType>(row: T) => z.array(row).max(MAX_ROWS_PER_BATCH);
export const PricesBody = z
  .object({ prices: batchOf(PriceInput), observed_at: ObservedAt.optional() })
  .strict()
  .openapi("PricesBody");
export const FlowsBody = z
  .object({ flows: batchOf(FlowInput), observed_at: ObservedAt.optional() })
  .strict()
  .openapi("FlowsBody");
export const HoldingsBody = z
  .object({ holdings: batchOf(HoldingInput), observed_at: ObservedAt.optional() })
  .strict()
  .openapi("HoldingsBody");
export const EventsBody = z
  .object({ events: batchOf(EventInput), observed_at: ObservedAt.optional() })
  .strict()
  .openapi("EventsBody");

export type FundInput = z.infer<typeof FundInput>;
export type PriceInput = z.infer<typeof PriceInput>;
export type FlowInput = z.infer<typeof FlowInput>;
export type HoldingInput = z.infer<typeof HoldingInput>;
export type EventInput = z.infer<typeof EventInput>;

export const TokenInput = z
  .object({
    name: Text(100),
    scopes: z.array(z.enum(SCOPES)).min(1),
    funds: z.array(Ticker).min(1).nullable().default(null).openapi({
      description:
        "The funds the token may write (null: all). Each must exist; a former ticker means its fund and is stored as the fund's ticker.",
    }),
  })
  .strict()
  .openapi("TokenInput");

export const SourceRankingInput = z
  .object({ sources: z.array(Source).min(1).max(100) })
  .strict()
  .openapi("SourceRankingInput");

export const WriteResult = z
  .object({
    inserted: z.number().int(),
    restated: z.number().int(),
    unchanged: z.number().int(),
    data_version: z.number().int(),
    dry_run: z.boolean().optional(),
    /** recompute=defer: stored and queued; derived figures catch up on the next settle or read. */
    recompute_deferred: z.boolean().optional(),
    /**
     * The write queued more recompute than one request may do: the next request or the cron trigger
     * goes on with it, and reads answer 503 until it is done.
     */
    recompute_pending: z.boolean().optional(),
  })
  .openapi("WriteResult");

export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi("ProblemDetails");
