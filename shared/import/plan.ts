// Which requests an import makes, in which order: funds first (one PUT each, or batches of
// POST /v1/funds for a bulk load), then prices, holdings, events and flows in batches, because each
// kind refers to the ones before it.
import type { ParsedFile } from "./types.ts";

export type WriteKind = ParsedFile["kind"];
export const WRITE_ORDER: readonly WriteKind[] = ["funds", "prices", "holdings", "events", "flows"];
export const MAX_BATCH = 10_000;

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
}

export function planImport(
  files: readonly { file: string; data: ParsedFile }[],
  batchSize: number,
  query = "",
  options: { fundsInBatches?: boolean } = {},
): ImportStep[] {
  return WRITE_ORDER.flatMap((kind) =>
    files
      .filter(({ data }) => data.kind === kind)
      .flatMap(({ file, data }) => planFile(file, data, batchSize, query, options.fundsInBatches ?? false)),
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
  const steps: ImportStep[] = [];
  for (let offset = 0; offset < data.rows.length; offset += batchSize) {
    const rows = data.rows.slice(offset, offset + batchSize);
    const body = JSON.stringify({ [data.kind]: rows });
    steps.push({
      file,
      kind: data.kind,
      method: "POST",
      path: `/v1/${data.kind}${query}`,
      rows,
      body,
      offset,
    });
  }
  return steps;
}
