// Reads under load: the three cached reads the site and API users hit most, each against the health
// endpoint (one D1 read, no work) in the same run, and the ETag revalidation that skips the work.
import { addDays } from "../../shared/dates.ts";
import { type LoadResult, runLoad } from "./load.ts";

export interface ReadFigures {
  connections: number;
  seconds: number;
  /** Health measured before and (full runs) after the reads; the ratios use the mean. */
  health: LoadResult[];
  reads: (LoadResult & { name: string; ratio: number })[];
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
    { name: "aggregate issuer/week", path: "/v1/aggregate?by=issuer&period=week" },
  ];
  const before = await load("/v1/health");
  const results: LoadResult[] = [];
  for (const target of targets) results.push(await load(target.path));
  const health = options.healthTwice === false ? [before] : [before, await load("/v1/health")];
  const healthRate = health.reduce((sum, result) => sum + result.requestsPerSecond, 0) / health.length;
  return {
    connections,
    seconds: options.seconds,
    health,
    reads: results.map((result, index) => ({
      ...result,
      name: targets[index]?.name ?? result.path,
      ratio: result.requestsPerSecond / healthRate,
    })),
    etag: await revalidate(base, "/v1/summary"),
  };
}

async function revalidate(base: string, path: string): Promise<ReadFigures["etag"]> {
  const first = await fetch(new URL(path, base));
  await first.arrayBuffer();
  const etag = first.headers.get("etag");
  const second = await fetch(new URL(path, base), { headers: etag ? { "if-none-match": etag } : {} });
  await second.arrayBuffer();
  return { path, etag, revalidatedStatus: second.status };
}
