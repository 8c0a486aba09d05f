// A client generated from the OpenAPI document (shared/openapi.d.ts, openapi-typescript) against the
// real product (`wrangler dev` with the demo sample loaded): the committed types are those the served
// document gives, every read below type-checks against them (tsc -p tsconfig.node.json compiles this
// file), and every real answer, errors included, is what the document declares, field by field.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_FILE, clientSource } from "../../scripts/lib/api-client.ts";
import type {
  AggregateRow,
  ExportDocument,
  ExportYearPage,
  FundDayRow,
  FundSummary,
  RevisionRow,
  Summary,
} from "../../shared/export.ts";
import type { components } from "../../shared/openapi.d.ts";
import { type Answer, type ReadPath, read } from "../helpers/api-client.ts";
import { startProduct } from "../helpers/local-product.ts";
import { answerProblems, type Document, resolve, type Schema } from "../helpers/openapi-conformance.ts";

// The generated types against the wire types the code builds (shared/export.ts): each answer the code
// sends fits what a client is told it gets, and each generated type is no wider than the wire type
// (RevisionRow's free JSON values aside, which the document can only call optional).
type Schemas = components["schemas"];
type Fits<A, B> = [A] extends [B] ? true : false;
const wireFitsClient: [
  Fits<FundSummary, Schemas["FundSummary"]>,
  Fits<FundDayRow, Schemas["FundDayRow"]>,
  Fits<AggregateRow, Schemas["AggregateRow"]>,
  Fits<RevisionRow, Schemas["RevisionRow"]>,
  Fits<Summary, Schemas["Summary"]>,
  Fits<ExportDocument, Schemas["ExportDocument"]>,
  Fits<ExportYearPage, Schemas["ExportYearPage"]>,
] = [true, true, true, true, true, true, true];
const clientFitsWire: [
  Fits<Schemas["FundSummary"], FundSummary>,
  Fits<Schemas["FundDayRow"], FundDayRow>,
  Fits<Schemas["AggregateRow"], AggregateRow>,
  Fits<Schemas["Summary"], Summary>,
  Fits<Schemas["ExportDocument"], ExportDocument>,
  Fits<Schemas["ExportYearPage"], ExportYearPage>,
] = [true, true, true, true, true, true];

/**
 * The reads whose success answer the document leaves untyped (an empty schema: `unknown` to a
 * generated client), by operation and JSON pointer in the schema: none, so a read that loses its
 * schema fails this test.
 */
const UNTYPED_ANSWERS: string[] = [];
/** Values the document means to leave free: the JSON a revision replaced and stored. */
const FREE_VALUES = ["/properties/old_value", "/properties/new_value"];

let product: Awaited<ReturnType<typeof startProduct>>;
let document: Document;

beforeAll(async () => {
  product = await startProduct({ data: "demo" });
  document = (await (await fetch(`${product.url}/v1/openapi.json`)).json()) as Document;
}, 180_000);

afterAll(async () => {
  await product?.stop();
});

/** `answer` after checking it against the document and that its status is `status`. */
function expectAnswer<P extends ReadPath, A extends Answer<P>, S extends A["status"]>(
  path: P,
  answer: A,
  status: S,
): Extract<A, { status: S }> {
  expect(
    answerProblems(document, path, answer as { status: number; body: unknown; headers: Headers }),
  ).toEqual([]);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer as Extract<A, { status: S }>;
}

/** Pointers, within `schema`, of the empty schemas (anything goes) it holds. */
function emptySchemas(schema: Schema, at = "", seen = new Set<Schema>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const s = resolve(document, schema);
  if (Object.keys(s).filter((key) => !["description", "example", "default"].includes(key)).length === 0) {
    return FREE_VALUES.some((free) => at.endsWith(free)) ? [] : [at];
  }
  return [
    ...Object.entries(s.properties ?? {}).flatMap(([key, field]) =>
      emptySchemas(field, `${at}/properties/${key}`, seen),
    ),
    ...(s.items ? emptySchemas(s.items, `${at}/items`, seen) : []),
    ...[...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((part, index) =>
      emptySchemas(part, `${at}/anyOf/${index}`, seen),
    ),
  ];
}

describe("a client generated from the OpenAPI document", () => {
  it("is the file committed: the document wrangler dev serves generates it", async () => {
    expect(await clientSource(document)).toBe(readFileSync(CLIENT_FILE, "utf8"));
    expect(wireFitsClient.every(Boolean) && clientFitsWire.every(Boolean)).toBe(true);
  });

  it("types every read's success answer but the known few", () => {
    const untyped = Object.values(document.paths).flatMap((item) => {
      const operation = item.get;
      const schema = operation?.responses["200"]?.content?.["application/json"]?.schema;
      if (!operation || !schema) return [];
      return emptySchemas(schema).map((pointer) => `${operation.operationId} ${pointer}`);
    });
    expect(untyped.sort(), "an answer lost its schema, or one gained one: update UNTYPED_ANSWERS").toEqual(
      [...UNTYPED_ANSWERS].sort(),
    );
  });

  it("reads health, the funds, one fund, its flows and days, aggregates and the export as declared", async () => {
    const health = expectAnswer("/health", await read(product.url, "/health"), 200);
    expect(health.body.status).toBe("ok");
    expect(health.body.data_version).toBeGreaterThan(0);

    const exportFirst = expectAnswer("/export", await read(product.url, "/export"), 200);
    const first = exportFirst.body;
    if (!("funds" in first)) throw new Error("the first export page is an ExportDocument");
    expect(first.data_version).toBe(health.body.data_version);
    expect(first.funds.length).toBeGreaterThan(0);
    const ticker = first.funds[0]?.ticker ?? "";
    if (first.next !== null) {
      const year = new URL(first.next, product.url).searchParams.get("year") ?? "";
      const page = expectAnswer("/export", await read(product.url, "/export", { query: { year } }), 200);
      expect("year" in page.body && page.body.year).toBe(Number(year));
    }

    const funds = expectAnswer("/funds", await read(product.url, "/funds"), 200);
    expect(funds.body.funds.length).toBe(first.funds.length);
    expect(funds.body.funds.map((fund) => fund.ticker)).toEqual(first.funds.map((fund) => fund.ticker));

    const fund = expectAnswer(
      "/funds/{ticker}",
      await read(product.url, "/funds/{ticker}", { path: { ticker } }),
      200,
    );
    expect(fund.body.ticker).toBe(ticker);

    const flows = expectAnswer("/flows", await read(product.url, "/flows", { query: { fund: ticker } }), 200);
    expect(flows.body.flows.length).toBeGreaterThan(0);
    for (const flow of flows.body.flows) expect(flow.fund).toBe(ticker);
    const used = flows.body.flows.filter((flow) => flow.used);
    expect(used.length).toBeGreaterThan(0);

    const from = used[0]?.date;
    const daily = expectAnswer(
      "/funds/{ticker}/daily",
      await read(product.url, "/funds/{ticker}/daily", { path: { ticker }, query: { from, to: from } }),
      200,
    );
    expect(daily.body.fund).toBe(ticker);
    expect(daily.body.rows.map((row) => row.date)).toEqual([from]);

    const aggregate = expectAnswer(
      "/aggregate",
      await read(product.url, "/aggregate", { query: { by: "asset", period: "month" } }),
      200,
    );
    expect(aggregate.body.by).toBe("asset");
    expect(aggregate.body.rows.length).toBeGreaterThan(0);
    for (const row of aggregate.body.rows) expect(row.period).toBe("month");

    const summary = expectAnswer("/summary", await read(product.url, "/summary"), 200);
    expect(summary.body).toEqual(first.summary);
  }, 120_000);

  it("reads refusals as the problem details the document declares", async () => {
    const missing = expectAnswer(
      "/funds/{ticker}",
      await read(product.url, "/funds/{ticker}", { path: { ticker: "NOSUCHFUND" } }),
      404,
    );
    expect(missing.body.status).toBe(404);
    expect(missing.body.detail).toContain("NOSUCHFUND");

    const badDate = expectAnswer(
      "/flows",
      await read(product.url, "/flows", { query: { from: "yesterday" } }),
      422,
    );
    // The schema's refusals point at the parameter as the routes' own checks do.
    expect(badDate.body.errors?.map((error) => error.pointer)).toEqual(["/query/from"]);

    const noYear = expectAnswer(
      "/export",
      await read(product.url, "/export", { query: { year: "1900" } }),
      422,
    );
    expect(noYear.body.errors?.[0]?.pointer).toBe("/query/year");
  }, 60_000);
});
