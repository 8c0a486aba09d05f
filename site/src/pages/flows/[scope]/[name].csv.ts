// Each flow table's year as CSV, next to its page: /flows/btc/2026.csv, /flows/btc/2026-coins.csv.

import type { APIRoute, GetStaticPaths } from "astro";
import { renders } from "../../../lib/build-units.ts";
import { type FlowScope, flowScopes, flowTable } from "../../../lib/flowdata.ts";
import { flowCsv } from "../../../lib/flowhtml.ts";
import { flowYearFingerprint } from "../../../lib/incremental.ts";
import { loadModel } from "../../../lib/model.ts";

export const getStaticPaths = (async () => {
  const model = await loadModel();
  const units = (scope: FlowScope) => (scope.coins ? (["usd", "coins"] as const) : (["usd"] as const));
  // A year made from the same inputs as in the last build is kept from it (lib/incremental.ts).
  return flowScopes(model).flatMap((scope) =>
    scope.years.flatMap((year) =>
      units(scope)
        .map((unit) => ({ name: unit === "usd" ? year : `${year}-coins`, unit }))
        .filter(({ name, unit }) =>
          renders(`data:flows:${scope.slug}:${name}`, flowYearFingerprint(model, scope, year, unit), [
            `flows/${scope.slug}/${name}.csv`,
          ]),
        )
        .map(({ name, unit }) => ({ params: { scope: scope.slug, name }, props: { scope, year, unit } })),
    ),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { scope, year, unit } = props as { scope: FlowScope; year: string; unit: "usd" | "coins" };
  const body = flowCsv(flowTable(await loadModel(), scope, year, unit));
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8" } });
};
