// Rows as the write endpoints take them (shared/schemas.ts), produced by the parsers and sent by the
// importer. Amounts stay decimal strings end to end so no value ever passes through a float.

import type { z } from "@hono/zod-openapi";
import type * as Api from "../schemas.ts";

export type { EventInput, HoldingInput, PriceInput } from "../schemas.ts";

/**
 * A row of a funds CSV: the ticker (which travels in the path) and the metadata the API takes, as
 * sent (fields the API defaults may be left out).
 */
export type FundInput = { ticker: string } & z.input<typeof Api.FundInput>;

type FlowKey = Omit<Api.FlowInput, "net_flow_usd" | "units" | "status">;

/**
 * A flow with a figure, as files hold them. Narrower than the API's row: the importer always writes
 * canonical decimal strings, never JSON numbers.
 */
export type FlowInput = FlowKey & {
  net_flow_usd: string;
  units?: string;
  status: "final" | "provisional";
};

/** The source took its figure back (Farside replaced a number with "-"): the row carries none. */
export type WithdrawnFlow = FlowKey & { status: "withdrawn" };

/** What a replay of a publisher's revision history sends: figures, and figures taken back. */
export type ReplayFlow = FlowInput | WithdrawnFlow;

export type SeedEvent = Extract<Api.EventInput, { type: "seed" }>;

/** What a file holds; `farside` is Farside's wide table, which becomes flows (and seed events). */
export type ImportKind = "funds" | "prices" | "holdings" | "events" | "flows" | "farside";

/** One parsed file: the rows of one kind plus anything the reader should be told. */
export type ParsedFile =
  | { kind: "funds"; rows: FundInput[]; warnings: string[] }
  | { kind: "prices"; rows: Api.PriceInput[]; warnings: string[] }
  | { kind: "holdings"; rows: Api.HoldingInput[]; warnings: string[] }
  | { kind: "events"; rows: Api.EventInput[]; warnings: string[] }
  | FlowsFile;

export interface FlowsFile {
  kind: "flows";
  rows: ReplayFlow[];
  warnings: string[];
  /** Farside's Seed row: written with the events, before any flow. */
  seeds?: SeedEvent[];
  /**
   * Batches packed in advance, sent in this order one at a time (a replay, where a key appears once
   * per batch but in several batches); without them the rows are cut into batches as they come.
   */
  batches?: ReplayFlow[][];
}
