// Rows as the write endpoints take them (API.md), produced by the parsers and sent by the importer.
// Amounts stay decimal strings end to end so no value ever passes through a float.

import type { FlowStatus, Fund } from "../domain.ts";

export interface FlowInput {
  fund: string;
  date: string;
  net_flow_usd: string;
  status: FlowStatus;
  source?: string;
  units?: string;
}

/** A row of the funds CSV: the fund's metadata of shared/domain.ts, delisted_on optional. */
export type FundInput = Omit<Fund, "delisted_on"> & { delisted_on?: string };

export interface PriceInput {
  asset: string;
  date: string;
  close_usd: string;
  source?: string;
}

export interface HoldingInput {
  fund: string;
  date: string;
  units: string;
  source?: string;
}

export interface EventInput {
  type: string;
  date: string;
  from_fund: string;
  to_fund: string;
  units: string;
  note?: string;
}

/** What a file holds; `farside` is Farside's wide table, which becomes flows. */
export type ImportKind = "funds" | "prices" | "holdings" | "events" | "flows" | "farside";

/** One parsed file: the rows of one kind plus anything the reader should be told. */
export type ParsedFile =
  | { kind: "funds"; rows: FundInput[]; warnings: string[] }
  | { kind: "prices"; rows: PriceInput[]; warnings: string[] }
  | { kind: "holdings"; rows: HoldingInput[]; warnings: string[] }
  | { kind: "events"; rows: EventInput[]; warnings: string[] }
  | { kind: "flows"; rows: FlowInput[]; warnings: string[] };
