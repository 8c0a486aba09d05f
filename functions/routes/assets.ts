// The assets funds hold, each with the precision of its coin quantities. A new asset (the 2025–26 wave:
// XRP, DOGE, HBAR, LTC, LINK, HYPE) is added by an admin the day its first fund lists; its decimals
// never change once a fact is stored at them, since every stored quantity was checked against them.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { AssetSymbol } from "../../shared/schemas.ts";
import { type AppEnv, requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { loadAssets } from "../db/reference.ts";
import { ASSET_KIND } from "../ledger/kinds.ts";
import { commitWrite, revisionStatement } from "../ledger/write-protocol.ts";
import { Problem } from "../problem.ts";
import { sendList } from "../respond.ts";
import { bearer, ListFormat, WRITE_PROBLEMS } from "./openapi.ts";

export const assets = new OpenAPIHono<AppEnv>();

const AssetInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    decimals: z.number().int().min(0).max(18).openapi({ description: "Decimal places of a coin quantity" }),
  })
  .strict()
  .openapi("AssetInput");
const Asset = z
  .object({ symbol: z.string(), name: z.string(), decimals: z.int() })
  .openapi("Asset", { description: "An asset and the precision of its coin quantities" });

const putAsset = createRoute({
  method: "put",
  path: "/assets/{symbol}",
  summary: "Add an asset, or rename one (admin); decimals never change once a fact uses them",
  security: bearer,
  middleware: [requireScope("admin"), jsonBody] as const,
  request: {
    params: z.object({ symbol: AssetSymbol.openapi({ param: { name: "symbol", in: "path" } }) }),
    body: { content: { "application/json": { schema: AssetInput } }, required: true },
  },
  responses: {
    200: { content: { "application/json": { schema: Asset } }, description: "Stored" },
    ...WRITE_PROBLEMS,
  },
});

assets.openapi(putAsset, async (c) => {
  const { symbol } = c.req.valid("param");
  const { name, decimals } = c.req.valid("json");
  const db = c.env.DB;
  const old = (await loadAssets(db)).get(symbol);
  if (old && old.decimals !== decimals && (await assetInUse(db, symbol))) {
    throw new Problem(422, "The asset's decimals cannot change.", [
      { pointer: "/decimals", detail: `${symbol} has ${old.decimals} decimals and facts stored at them` },
    ]);
  }
  const requestId = c.get("requestId");
  const stores = [
    db
      .prepare(
        `INSERT INTO assets (symbol, name, decimals) VALUES (?1, ?2, ?3)
         ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, decimals = excluded.decimals`,
      )
      .bind(symbol, name, decimals),
    revisionStatement(db, ASSET_KIND, {
      subject: symbol,
      old: old ?? null,
      new: { symbol, name, decimals },
      source: "admin",
      recordedAt: new Date().toISOString(),
      requestId,
    }),
  ];
  await commitWrite(db, { kind: ASSET_KIND, requestId, stores, total: 1 });
  return c.json({ symbol, name, decimals }, 200);
});

/** A fund holds it, or a price of it is stored. */
async function assetInUse(db: D1Database, symbol: string): Promise<boolean> {
  const used = await db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM funds WHERE asset = ?1) OR EXISTS (SELECT 1 FROM price_marks WHERE asset = ?1) AS used`,
    )
    .bind(symbol)
    .first<number>("used");
  return used === 1;
}

const listAssets = createRoute({
  method: "get",
  path: "/assets",
  summary: "Every asset and the precision of its coin quantities",
  request: { query: z.object({ format: ListFormat }) },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ assets: z.array(Asset) }) } },
      description: "Assets",
    },
  },
});

assets.openapi(listAssets, async (c) => sendList(c, "assets", [...(await loadAssets(c.env.DB)).values()]));
