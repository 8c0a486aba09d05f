// Each flow table's year as CSV, next to its page: /flows/btc/2026.csv, /flows/btc/2026-coins.csv.
import type { APIRoute, GetStaticPaths } from "astro";
import { type FlowScope, flowScopes, flowTable } from "../../../lib/flowdata.ts";
import { flowCsv } from "../../../lib/flowhtml.ts";
import { loadModel } from "../../../lib/model.ts";

export const getStaticPaths = (async () => {
  const model = await loadModel();
  return flowScopes(model).flatMap((scope) =>
    scope.years.flatMap((year) => [
      { params: { scope: scope.slug, name: year }, props: { scope, year, unit: "usd" as const } },
      ...(scope.coins
        ? [
            {
              params: { scope: scope.slug, name: `${year}-coins` },
              props: { scope, year, unit: "coins" as const },
            },
          ]
        : []),
    ]),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { scope, year, unit } = props as { scope: FlowScope; year: string; unit: "usd" | "coins" };
  const body = flowCsv(flowTable(await loadModel(), scope, year, unit));
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8" } });
};
