// Reads under load: the three cached reads the site and API users hit most, each against the health
// endpoint (one D1 read, no work) in the same run, and the ETag revalidation that skips the work.
import { addDays } from "../../shared/dates.ts";
import { periodYear, yearSpan } from "../../shared/engine/year-pages.ts";
import { type LoadResult, runLoad } from "./load.ts";

export interface ReadFigures {
  connections: number;
  seconds: number;
  /** Health measured before and (full runs) after the reads; the ratios use the mean. */
  health: LoadResult[];
  /** bodyBytes: the answer's own size, before compression (bytesPerAnswer is what was sent). */
  reads: (LoadResult & { name: string; ratio: number; bodyBytes: number })[];
  etag: { path: string; etag: string | null; revalidatedStatus: number };
}

export async function benchReads(
  base: string,
  options: { ticker: string; lastDay: string; seconds: number; connections?: number; healthTwice?: boolean },
): Promise<ReadFigures> {
  const connections = options.connections ?? 32;
  const load = (path: string) => runLoad(base, path, { connections, seconds: options.seconds });
  const targets = [
    { name: "summary", path: "/v1/summary" },
    {
      name: "fund daily (1 year)",
      path: `/v1/funds/${options.ticker}/daily?from=${addDays(options.lastDay, -364)}&to=${options.lastDay}`,
    },
    // One page: the latest year's weeks of every issuer (the read is answered a year a page).
    {
      name: "aggregate issuer/week (1 year)",
      path: `/v1/aggregate?by=issuer&period=week&from=${yearSpan(periodYear(options.lastDay, "week"), "week").from}`,
    },
  ];
  const before = await load("/v1/health");
  const results: LoadResult[] = [];
  for (const target of targets) results.push(await load(target.path));
  const health = options.healthTwice === false ? [before] : [before, await load("/v1/health")];
  const bodyBytes: number[] = [];
  for (const target of targets) bodyBytes.push(await answerBytes(base, target.path));
  const healthRate = health.reduce((sum, result) => sum + result.requestsPerSecond, 0) / health.length;
  return {
    connections,
    seconds: options.seconds,
    health,
    reads: results.map((result, index) => ({
      ...result,
      name: targets[index]?.name ?? result.path,
      ratio: result.requestsPerSecond / healthRate,
      bodyBytes: bodyBytes[index] ?? 0,
    })),
    etag: await revalidate(base, "/v1/summary"),
  };
}

/** The size of the answer as JSON text (fetch decodes a compressed body). */
async function answerBytes(base: string, path: string): Promise<number> {
  return (await (await fetch(new URL(path, base))).arrayBuffer()).byteLength;
}

async function revalidate(base: string, path: string): Promise<ReadFigures["etag"]> {
  const first = await fetch(new URL(path, base));
  await first.arrayBuffer();
  const etag = first.headers.get("etag");
  const second = await fetch(new URL(path, base), { headers: etag ? { "if-none-match": etag } : {} });
  await second.arrayBuffer();
  return { path, etag, revalidatedStatus: second.status };
}
