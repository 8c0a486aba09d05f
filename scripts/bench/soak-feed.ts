// The soak's feed: single-row flow writes at a fixed rate, a large batch now and then, and reads of
// the API and of the site, each kind timed, and every answer that is not a success counted by how it
// answered. It restates flows already on record: their (fund, date) keys are days the API accepts.

export interface Latencies {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Flow {
  fund: string;
  date: string;
}

/** What the feed sends: keys on record to restate, a token per kind of writer, the pages it reads. */
export interface FeedTargets {
  known: Flow[];
  tokens: string[];
  readPaths: string[];
}

export interface FeedOptions {
  base: string;
  seconds: number;
  writesPerSecond: number;
  readsPerSecond: number;
  batchEveryMs: number;
}

export interface FeedFigures {
  writes: Latencies;
  batches: Latencies & { rows: number };
  reads: Latencies;
  /** Answers other than 2xx and failed requests, all kinds together: the aim is 0. */
  errors: number;
  /** How each failure answered ("write 503", "read ECONNRESET"), and the first few in full. */
  failures: Record<string, number>;
  failureSamples: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function latencies(samples: number[], errors: number): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
  return { count: samples.length, errors, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}

async function api<T>(base: string, token: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${pathAndQuery}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The feed's targets, read from the product and its tokens made with the admin token. */
export async function prepareFeed(base: string, adminToken: string): Promise<FeedTargets> {
  // The (fund, date) keys on record are valid trading days of their funds: the feed restates them.
  const { flows: onRecord } = await api<{ flows: Flow[] }>(base, adminToken, "/v1/flows");
  const keys = new Map(onRecord.map(({ fund, date }) => [`${fund} ${date}`, { fund, date }]));
  const known = [...keys.values()];
  if (known.length === 0) throw new Error("soak: the product holds no flows to restate");
  // One token per kind of writer: the API allows each token 600 requests a minute.
  const tokens: string[] = [];
  for (const name of ["soak-feed-a", "soak-feed-b", "soak-batches"]) {
    const created = await api<{ token: string }>(base, adminToken, "/v1/tokens", {
      name,
      scopes: ["flows:write"],
    });
    tokens.push(created.token);
  }
  const ticker = known[0]?.fund ?? "IBIT";
  const readPaths = [
    "/v1/summary",
    `/v1/funds/${ticker}/daily`,
    "/v1/aggregate?by=issuer&period=week",
    "/v1/health",
    "/",
    `/funds/${ticker}/`,
    "/weekly/",
  ];
  return { known, tokens, readPaths };
}

/** A feed whose clock starts now; `run` sends until `seconds` have passed and every answer is in. */
export function createFeed(
  targets: FeedTargets,
  options: FeedOptions,
): { started: number; run: () => Promise<FeedFigures> } {
  const { known, tokens, readPaths } = targets;
  const { base, writesPerSecond, readsPerSecond, batchEveryMs: batchEvery } = options;
  const failures: Record<string, number> = {};
  const failureSamples: string[] = [];
  const fail = (kind: string, what: string, detail: string) => {
    failures[`${kind} ${what}`] = (failures[`${kind} ${what}`] ?? 0) + 1;
    if (failureSamples.length < 10) failureSamples.push(`${kind} ${what}: ${detail.slice(0, 200)}`);
  };
  const timed = async (kind: string, samples: number[], send: () => Promise<Response>): Promise<boolean> => {
    const sent = performance.now();
    try {
      const response = await send();
      const text = await response.text();
      samples.push(performance.now() - sent);
      if (response.ok) return true;
      fail(kind, String(response.status), text);
    } catch (error) {
      samples.push(performance.now() - sent);
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      fail(kind, cause, String(error));
    }
    return false;
  };

  const writeMs: number[] = [];
  const batchMs: number[] = [];
  const readMs: number[] = [];
  let writeErrors = 0;
  let batchErrors = 0;
  let readErrors = 0;
  let batchRows = 0;
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const run = `${Date.now().toString(36)}`;

  const writer = async () => {
    for (let n = 0; performance.now() < deadline; n++) {
      const due = started + (n * 1000) / writesPerSecond;
      await sleep(Math.max(0, due - performance.now()));
      if (performance.now() >= deadline) break;
      const key = known[n % known.length] as Flow;
      const flow = {
        ...key,
        net_flow_usd: `${(n % 997) - 498}.${String(n % 100).padStart(2, "0")}`,
        source: "soak-feed",
      };
      const token = tokens[n % 2] as string;
      pending.push(
        timed("write", writeMs, () =>
          fetch(`${base}/v1/flows`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${token}`,
              "content-type": "application/json",
              "idempotency-key": `soak-${run}-write-${n}`,
            },
            body: JSON.stringify({ flows: [flow] }),
          }),
        ).then((ok) => {
          if (!ok) writeErrors += 1;
        }),
      );
    }
  };
  const batcher = async () => {
    for (let n = 0; ; n++) {
      // The first at a third of the run (the site is rebuilding by then), then every batchEvery.
      const due = started + Math.min(options.seconds * 333, batchEvery) + n * batchEvery;
      if (due >= deadline && n > 0) break;
      await sleep(Math.max(0, due - performance.now()));
      const rows = known.slice(0, 5000).map((key, i) => ({
        ...key,
        net_flow_usd: `${(i % 1999) - 999 + n}.00`,
        source: `soak-batch-${n % 3}`,
      }));
      batchRows += rows.length;
      const ok = await timed("batch", batchMs, () =>
        fetch(`${base}/v1/flows`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${tokens[2]}`,
            "content-type": "application/json",
            "idempotency-key": `soak-${run}-batch-${n}`,
          },
          body: JSON.stringify({ flows: rows }),
        }),
      );
      if (!ok) batchErrors += 1;
      if (performance.now() >= deadline) break;
    }
  };
  const reader = async () => {
    for (let n = 0; performance.now() < deadline; n++) {
      const due = started + (n * 1000) / readsPerSecond;
      await sleep(Math.max(0, due - performance.now()));
      if (performance.now() >= deadline) break;
      const target = readPaths[n % readPaths.length] as string;
      pending.push(
        timed("read", readMs, () => fetch(`${base}${target}`)).then((ok) => {
          if (!ok) readErrors += 1;
        }),
      );
    }
  };

  return {
    started,
    run: async () => {
      await Promise.all([writer(), batcher(), reader()]);
      await Promise.all(pending);
      return {
        writes: latencies(writeMs, writeErrors),
        batches: { ...latencies(batchMs, batchErrors), rows: batchRows },
        reads: latencies(readMs, readErrors),
        errors: writeErrors + batchErrors + readErrors,
        failures,
        failureSamples,
      };
    },
  };
}
