// The contract as a standard linter reads it: the OpenAPI document the running Worker serves passes
// `redocly lint` with the recommended rules, and names every operation for generated clients.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bin } from "../../scripts/lib/processes.ts";
import { startProduct } from "../helpers/local-product.ts";

let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct({ data: "none" });
}, 120_000);

afterAll(async () => {
  await product?.stop();
});

type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, unknown> };

it("passes redocly lint with the recommended rules, every operation named and answering a 4xx", async () => {
  const text = await (await fetch(`${product.url}/v1/openapi.json`)).text();
  const file = join(mkdtempSync(join(tmpdir(), "aumflow-openapi-")), "openapi.json");
  writeFileSync(file, text);
  const lint = spawnSync(bin("redocly"), ["lint", file, "--extends", "recommended", "--format", "summary"], {
    encoding: "utf8",
  });
  expect(lint.status, `${lint.stdout}\n${lint.stderr}`).toBe(0);
  expect(`${lint.stdout}${lint.stderr}`).not.toMatch(/warning/i);
  const document = JSON.parse(text) as { paths: Record<string, Record<string, Operation>> };
  const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
  expect(operations.length).toBeGreaterThan(20);
  const ids = operations.map((operation) => operation.operationId);
  expect(new Set(ids).size).toBe(operations.length);
  for (const operation of operations) {
    expect(operation.security).toBeDefined();
    expect(Object.keys(operation.responses).some((status) => status.startsWith("4"))).toBe(true);
  }
}, 60_000);
