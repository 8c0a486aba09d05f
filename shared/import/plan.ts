// Which requests an import makes, in which order: funds first (one PUT each, or batches of
// POST /v1/funds for a bulk load), then prices, holdings, events and flows in batches, because each
// kind refers to the ones before it. Farside's seeds are events: they go before any flow, and so do
// ticker changes, after which a flow may still name a fund by its former ticker.
import type { ParsedFile } from "./types.ts";

export type WriteKind = ParsedFile["kind"];
export const WRITE_ORDER: readonly WriteKind[] = ["funds", "prices", "holdings", "events", "flows"];

export interface ImportStep {
  file: string;
  kind: WriteKind;
  method: "POST" | "PUT";
  path: string;
  rows: unknown[];
  /** The JSON body: for a fund, its metadata without the ticker (which is in the path). */
  body: string;
  /** Index in the file's rows of this batch's first row, to locate a rejected row. */
  offset: number;
  /** Batches packed in advance must land one after another, in order (a replayed history). */
  ordered?: boolean;
}

export function planImport(
  files: readonly { file: string; data: ParsedFile }[],
  batchSize: number,
  query = "",
  options: { fundsInBatches?: boolean } = {},
): ImportStep[] {
  const fundsInBatches = options.fundsInBatches ?? false;
  return WRITE_ORDER.flatMap((kind) =>
    files.flatMap(({ file, data }) => {
      if (kind === "events" && data.kind === "flows" && data.seeds) {
        return batchesOf(file, "events", data.seeds, batchSize, query);
      }
      return data.kind === kind ? planFile(file, data, batchSize, query, fundsInBatches) : [];
    }),
  );
}

function planFile(
  file: string,
  data: ParsedFile,
  batchSize: number,
  query: string,
  fundsInBatches: boolean,
): ImportStep[] {
  if (data.kind === "funds" && !fundsInBatches) {
    return data.rows.map((fund, offset) => {
      const { ticker, ...metadata } = fund;
      const path = `/v1/funds/${encodeURIComponent(ticker)}${query}`;
      return {
        file,
        kind: "funds",
        method: "PUT",
        path,
        rows: [fund],
        body: JSON.stringify(metadata),
        offset,
      };
    });
  }
  if (data.kind === "flows" && data.batches) {
    let offset = 0;
    return data.batches.map((rows) => {
      const step = batchStep(file, "flows", rows, offset, query);
      offset += rows.length;
      return { ...step, ordered: true };
    });
  }
  return batchesOf(file, data.kind, data.rows, batchSize, query);
}

function batchesOf(
  file: string,
  kind: WriteKind,
  rows: readonly unknown[],
  batchSize: number,
  query: string,
): ImportStep[] {
  const steps: ImportStep[] = [];
  for (let offset = 0; offset < rows.length; offset += batchSize) {
    steps.push(batchStep(file, kind, rows.slice(offset, offset + batchSize), offset, query));
  }
  return steps;
}

function batchStep(
  file: string,
  kind: WriteKind,
  rows: unknown[],
  offset: number,
  query: string,
): ImportStep {
  const body = JSON.stringify({ [kind]: rows });
  return { file, kind, method: "POST", path: `/v1/${kind}${query}`, rows, body, offset };
}
