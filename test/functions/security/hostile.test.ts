// Hostile input: over 5,000 generated requests (fast-check, fixed seeds) against every write endpoint.
// Each is built to be refused. Every answer must be a 4xx problem+json that names the faulty fields
// with pointers into the request, never a 5xx or an internal detail, and nothing may be stored.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { closureReason } from "../../../shared/calendar.ts";
import { eachDay } from "../../../shared/dates.ts";
import { ADMIN, freshTicker, json, putFund } from "../helpers/api.ts";
import { createToken, pointerIsReal, problemFlaws, storageChecksum } from "../helpers/security.ts";
import { batchCases, type Case, type Fixture, fundCases, sizeCases, tokenCases } from "./hostile-cases.ts";

const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } }).default;

/** Provider tokens share the load so that none reaches the per-token rate limit (600 a minute). */
const PROVIDERS = 12;
const IN_FLIGHT = 8;
/** A refusal is a short list of what is wrong, never an echo that outgrows the request. */
const MAX_ANSWER_CHARS = 256 * 1024;

let fixture: Fixture;
let providers: string[] = [];

beforeAll(async () => {
  const fund = freshTicker("H");
  const peer = freshTicker("P");
  const ethFund = freshTicker("E");
  const delisted = freshTicker("D");
  await putFund(fund);
  await putFund(peer);
  await putFund(delisted);
  await putFund(ethFund, { asset: "ETH", exchange: "XNYS", listed_on: "2024-07-23" });
  const delistedOn = "2024-06-28";
  const days = [...eachDay("2024-01-11", "2024-12-31")];
  const tradingDays = days.filter((day) => closureReason("XNAS", day) === null);
  const closedDays = days.filter((day) => closureReason("XNAS", day) !== null);
  expect(closedDays).toEqual(
    expect.arrayContaining(["2024-01-15", "2024-07-04", "2024-12-25", "2024-01-13"]),
  );
  const seed = [
    json("/v1/events", { body: { events: [{ type: "delisting", date: delistedOn, fund: delisted }] } }),
    json("/v1/prices", {
      body: {
        prices: tradingDays
          .slice(0, 40)
          .map((date, i) => ({ asset: "BTC", date, close_usd: `${45000 + i}.5` })),
      },
    }),
    json("/v1/flows", {
      body: {
        flows: tradingDays.slice(0, 30).map((date, i) => ({ fund, date, net_flow_usd: `${i * 1000}.25` })),
      },
    }),
    json("/v1/holdings", { body: { holdings: [{ fund: peer, date: "2024-01-31", units: "1000.5" }] } }),
  ];
  for (const result of await Promise.all(seed)) expect(result.status, JSON.stringify(result.body)).toBe(200);
  fixture = { fund, peer, ethFund, delisted, delistedOn, tradingDays, closedDays };
  providers = [];
  for (let i = 0; i < PROVIDERS; i++) providers.push((await createToken()).token);
}, 60_000);

interface Outcome {
  kind: string;
  flaws: string[];
}

async function send(request: Case, token: string): Promise<Outcome> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...request.headers };
  if (request.contentType !== null) headers["content-type"] = request.contentType;
  const response = await worker.fetch(
    new Request(`http://aumflow.test${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
    }),
  );
  const text = await response.text();
  const { flaws, body } = problemFlaws(
    response.status,
    response.headers.get("content-type"),
    text,
    request.body,
  );
  if (!request.statuses.includes(response.status))
    flaws.push(`status ${response.status}, not ${request.statuses}`);
  if (text.length > MAX_ANSWER_CHARS) flaws.push(`an answer of ${text.length} characters`);
  if (text.includes(token) || [...response.headers.values()].some((value) => value.includes(token)))
    flaws.push("the token is echoed");
  if (response.status === 422 && body) flaws.push(...pointerFlaws(request, body.errors));
  return {
    kind: request.kind,
    flaws: flaws.map(
      (flaw) =>
        `${flaw} | ${request.method} ${request.path} ${JSON.stringify(request.headers)} ${request.body.slice(0, 300)} -> ${text.slice(0, 400)}`,
    ),
  };
}

/** The fields that take a decimal: only their errors may ask for "a decimal string or a number". */
const DECIMAL_FIELDS = /\/(?:net_flow_usd|units|close_usd)$/;

function pointerFlaws(request: Case, errors: { pointer: string; detail: string }[] | undefined): string[] {
  if (!Array.isArray(errors) || errors.length === 0) return ["422 without errors"];
  const flaws: string[] = [];
  let sent: unknown;
  try {
    sent = JSON.parse(request.body);
  } catch {
    return ["422 for a body that does not parse"];
  }
  for (const expected of request.pointers) {
    const named = errors.some(({ pointer }) => pointer === expected || pointer.startsWith(`${expected}/`));
    if (!named) flaws.push(`no error names ${JSON.stringify(expected)}`);
  }
  for (const { pointer, detail } of errors) {
    if (
      typeof pointer !== "string" ||
      !(pointerIsReal(sent, pointer, request.fields) || isParameter(request, pointer))
    )
      flaws.push(`pointer ${JSON.stringify(pointer)} names no field of the request`);
    if (/decimal string or a number/.test(detail) && !DECIMAL_FIELDS.test(pointer))
      flaws.push(`${pointer} is said to need a number: ${detail}`);
  }
  return flaws;
}

/** A pointer at a parameter (`/query/dry_run`, `/path/ticker`): one the request's URL carries, or the case names. */
function isParameter(request: Case, pointer: string): boolean {
  const [, part, name = ""] = /^\/(query|path)\/([^/]+)$/.exec(pointer) ?? [];
  if (part === "query") return new URL(request.path, "http://aumflow.test").searchParams.has(name);
  return part === "path" && request.pointers.includes(pointer);
}

/** Sends every case, IN_FLIGHT at a time, rotating provider tokens (admin-only cases use the admin token). */
async function sendAll(cases: Case[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < cases.length) {
      const index = next++;
      const request = cases[index] as Case;
      const token = request.admin ? ADMIN : (providers[index % providers.length] as string);
      outcomes.push(await send(request, token));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return outcomes;
}

describe("hostile input", () => {
  it("refuses 5,000+ malformed requests with problem+json naming each field, storing nothing", async () => {
    const before = await storageChecksum();
    const cases = [
      ...batchCases(fixture, "flows", 1250, 1101),
      ...batchCases(fixture, "prices", 900, 1102),
      ...batchCases(fixture, "holdings", 850, 1103),
      ...batchCases(fixture, "events", 950, 1104),
      ...fundCases(fixture, 900, 1105),
      ...tokenCases(420, 1106),
      ...sizeCases(fixture),
    ];
    const outcomes = await sendAll(cases);
    const flawed = outcomes.flatMap((outcome) => outcome.flaws);
    const kinds = new Set(cases.flatMap((request) => request.kind.split(" + ")));
    expect(outcomes.length).toBeGreaterThanOrEqual(5000);
    expect(kinds.size).toBeGreaterThanOrEqual(40);
    expect(flawed.slice(0, 12), `${flawed.length} flawed answers`).toEqual([]);
    expect(await storageChecksum()).toBe(before);
    console.log(
      `hostile input: ${outcomes.length} requests, ${kinds.size} fault kinds, all refused, storage unchanged`,
    );
  }, 120_000);
});
