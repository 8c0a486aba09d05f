// Restatement: one flow restated in the middle of the loaded history, timed from the request to the
// read that shows the new AUM, against a full recompute of the same data (POST /v1/admin/recompute,
// then /v1/admin/settle until nothing remains). Also checks that both paths give the same numbers.
import { SETTLE_FUNDS_PER_CALL } from "../import/run.ts";
import { adminPost, type BenchServer } from "./server.ts";
import { midHistoryDay, type Universe } from "./universe.ts";

export interface RestatementFigures {
  samples: { fund: string; date: string; ms: number; server: string }[];
  medianMs: number;
  maxMs: number;
  fullRecomputeMs: number;
  settleCalls: number;
  /** The median restatement as a share of the full recompute. Aim: under 1%. */
  ratio: number;
  /** The restated funds' rows, the total's daily aggregates and the summary are identical after the rebuild. */
  matchesFullRecompute: boolean;
}

interface DailyRow {
  date: string;
  aum_usd: string;
}

const SAMPLES = 5;

async function getJson<T>(server: BenchServer, path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The rows of a read answered a year a page, every page followed by its `next`. */
async function everyPageRows(server: BenchServer, path: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (let next: string | null = path; next !== null; ) {
    const page: { rows: unknown[]; next: string | null } = await getJson(server, next);
    rows.push(...page.rows);
    next = page.next;
  }
  return rows;
}

/** The correction the bench makes: the fund's used flow on `date`, a million dollars more, by its own source. */
export async function restatedFlow(api: string, fund: string, date: string) {
  const response = await fetch(`${api}/v1/flows?fund=${fund}&from=${date}&to=${date}`);
  if (!response.ok) throw new Error(`GET /v1/flows of ${fund} on ${date}: HTTP ${response.status}`);
  const { flows } = (await response.json()) as {
    flows: { net_flow_usd: string; source: string; used: boolean }[];
  };
  const flow = flows.find((candidate) => candidate.used);
  if (!flow) throw new Error(`no flow of ${fund} on ${date} to restate`);
  return {
    fund,
    date,
    net_flow_usd: (Number(flow.net_flow_usd) + 1_000_000).toFixed(2),
    source: flow.source,
  };
}

/** Posts a restatement; fails unless the API counts it as exactly one. */
export async function postRestatement(
  api: string,
  token: string,
  flow: Awaited<ReturnType<typeof restatedFlow>>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(`${api}/v1/flows`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ flows: [flow] }),
  });
  const answer = (await response.json()) as { restated?: number };
  if (!response.ok || answer.restated !== 1)
    throw new Error(
      `restating ${flow.fund} on ${flow.date}: HTTP ${response.status} ${JSON.stringify(answer)}`,
    );
  return response;
}

/** Restates the fund's flow on `date` by +1,000,000.00 and reads until the day's AUM has moved. */
async function restateOnce(server: BenchServer, fund: string, date: string) {
  const daily = `/v1/funds/${fund}/daily?from=${date}&to=${date}`;
  const flow = await restatedFlow(server.url, fund, date);
  const [before] = (await getJson<{ rows: DailyRow[] }>(server, daily)).rows;
  const started = performance.now();
  const response = await postRestatement(server.url, server.token, flow, {
    "idempotency-key": `bench-restate-${fund}-${date}-${Date.now()}`,
  });
  const [after] = (await getJson<{ rows: DailyRow[] }>(server, daily)).rows;
  const ms = performance.now() - started;
  if (!after || after.aum_usd === before?.aum_usd)
    throw new Error(`the read after the write still shows the old AUM`);
  return { fund, date, ms, server: response.headers.get("server-timing") ?? "" };
}

async function snapshot(server: BenchServer, funds: string[]) {
  const rows = await Promise.all(funds.map((fund) => getJson(server, `/v1/funds/${fund}/daily`)));
  const total = await everyPageRows(server, "/v1/aggregate?by=total&period=day");
  const summary = await getJson<Record<string, unknown>>(server, "/v1/summary");
  return JSON.stringify({ rows, total, summary: { ...summary, data_version: 0 } });
}

async function fullRecompute(server: BenchServer): Promise<{ ms: number; calls: number }> {
  const started = performance.now();
  await adminPost(server, "/v1/admin/recompute");
  for (let calls = 1; ; calls++) {
    const { remaining } = await adminPost<{ remaining: number | null }>(
      server,
      `/v1/admin/settle?max_funds=${SETTLE_FUNDS_PER_CALL}`,
    );
    if (remaining === 0) return { ms: performance.now() - started, calls };
    if (remaining === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function benchRestatement(server: BenchServer, universe: Universe): Promise<RestatementFigures> {
  const samples = [];
  for (let n = 0; n < SAMPLES; n++) {
    // Funds spread over the universe, dates around the middle of the history.
    const fund = universe.tickers[Math.floor(((n + 0.5) * universe.tickers.length) / SAMPLES)] as string;
    const date = midHistoryDay(universe, n * 7);
    samples.push(await restateOnce(server, fund, date));
  }
  const funds = samples.map((sample) => sample.fund);
  const incremental = await snapshot(server, funds);
  const full = await fullRecompute(server);
  const rebuilt = await snapshot(server, funds);
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const medianMs = sorted[Math.floor(sorted.length / 2)] as number;
  return {
    samples,
    medianMs,
    maxMs: sorted.at(-1) as number,
    fullRecomputeMs: full.ms,
    settleCalls: full.calls,
    ratio: medianMs / full.ms,
    matchesFullRecompute: incremental === rebuilt,
  };
}
