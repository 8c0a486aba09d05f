import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FlowInput, FlowsBody, IsoDate, Ticker } from "../../shared/schemas.ts";
import type { AppEnv } from "../auth.ts";
import { listFlows } from "../db/flows.ts";
import { canonicalTicker, loadReference } from "../db/reference.ts";
import { type BatchSpec, handleBatch } from "../ledger/batch.ts";
import { FLOW_KIND } from "../ledger/kinds.ts";
import {
  checkFundTradingDay,
  checkNotFuture,
  decimalText,
  knownFund,
  MAX_ABS_UNITS,
  todayReference,
  usdText,
} from "../ledger/validate.ts";
import { Problem } from "../problem.ts";
import { sendList } from "../respond.ts";
import { batchRoute, ListFormat, PARAMETER_PROBLEMS } from "./openapi.ts";
import { FlowRecordSchema } from "./read-schemas.ts";

export const flows = new OpenAPIHono<AppEnv>();

const FLOWS: BatchSpec<typeof FlowInput> = {
  field: "flows",
  kind: FLOW_KIND,
  row: FlowInput,
  fundsOf: (flow) => [{ field: "fund", fund: flow.fund }],
  keyOf: (row) => `${row.fund}|${row.date}|${row.source}`,
  validate: async (db, caller, flows, errors) => {
    const { funds, assets } = await loadReference(
      db,
      flows.map(({ row }) => row.fund),
    );
    const reference = todayReference(funds, assets);
    return flows.map(({ row: flow, at }) => {
      const fund = knownFund(errors, reference, `${at}/fund`, flow.fund);
      const decimals = fund ? reference.assets.get(fund.asset)?.decimals : undefined;
      checkNotFuture(errors, `${at}/date`, flow.date, reference.today);
      if (fund) checkFundTradingDay(errors, `${at}/date`, fund, flow.date);
      const row = { fund: fund?.ticker ?? flow.fund, date: flow.date, source: flow.source ?? caller.name };
      if (flow.status === "withdrawn") {
        // The source took its figure back: the key keeps no figure (stored as an empty amount).
        const given = flow.net_flow_usd !== undefined && flow.net_flow_usd !== null;
        if (given) errors.add(`${at}/net_flow_usd`, "a withdrawn figure has no amount; leave it out");
        if (flow.units !== undefined)
          errors.add(`${at}/units`, "a withdrawn figure has no units; leave them out");
        return { at, row: { ...row, net_flow_usd: "", units: null, status: flow.status } };
      }
      const given = flow.net_flow_usd ?? undefined;
      if (given === undefined)
        errors.add(`${at}/net_flow_usd`, "required (only a withdrawn figure has none)");
      const netFlowUsd = given === undefined ? null : usdText(errors, `${at}/net_flow_usd`, given);
      const units =
        flow.units === undefined || decimals === undefined
          ? null
          : decimalText(errors, `${at}/units`, flow.units, decimals, { max: MAX_ABS_UNITS });
      if (netFlowUsd !== null && units !== null && signsDisagree(netFlowUsd, units)) {
        errors.add(`${at}/units`, "units and net_flow_usd must have the same sign");
      }
      return { at, row: { ...row, net_flow_usd: netFlowUsd, units, status: flow.status } };
    });
  },
};

function signsDisagree(usd: string, units: string): boolean {
  const sign = (text: string) => Math.sign(Number.parseFloat(text));
  return sign(usd) * sign(units) < 0;
}

flows.openapi(
  batchRoute("/flows", "Submit daily net flows", FlowsBody, "flows:write"),
  (c) => handleBatch(c, FLOWS),
  (result, c) => (result.success ? undefined : handleBatch(c, FLOWS, result)),
);

const getFlows = createRoute({
  method: "get",
  path: "/flows",
  summary: "The flows ledger: latest values, or as known at a past moment",
  request: {
    query: z.object({
      fund: Ticker.optional(),
      from: IsoDate.optional(),
      to: IsoDate.optional(),
      as_of: z.iso.datetime({ offset: true }).optional().openapi({ example: "2024-11-02T00:00:00Z" }),
      source: z.string().optional(),
      format: ListFormat,
    }),
  },
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ flows: z.array(FlowRecordSchema) }) } },
      description: "Flows",
    },
    422: PARAMETER_PROBLEMS,
  },
});

flows.openapi(getFlows, async (c) => {
  const query = c.req.valid("query");
  checkRange(query.from, query.to);
  const rows = await listFlows(c.env.DB, {
    fund: query.fund === undefined ? undefined : await canonicalTicker(c.env.DB, query.fund),
    from: query.from,
    to: query.to,
    asOf: query.as_of ? new Date(query.as_of).toISOString() : undefined,
    source: query.source,
  });
  return sendList(c, "flows", rows);
});

export function checkRange(from: string | undefined, to: string | undefined): void {
  if (from && to && from > to) {
    throw new Problem(422, "from is after to.", [
      { pointer: "/query/from", detail: `${from} is after to=${to}` },
    ]);
  }
}
