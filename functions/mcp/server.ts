// The MCP server's methods: initialize, ping, tools/list and tools/call. Stateless: every request
// stands alone (no session, no initialize needed first), and nothing it can call writes.
import type { z } from "zod";
import { readFreshness } from "../db/meta.ts";
import { Problem } from "../problem.ts";
import { settleDerived } from "../recompute/settle.ts";
import {
  type Id,
  INVALID_PARAMS,
  METHOD_NOT_FOUND,
  type RpcResponse,
  rpcError,
  rpcResult,
} from "./jsonrpc.ts";
import { CONVENTIONS, describeTool, TOOLS, type Tool } from "./tools.ts";

/** Newest first; initialize answers the client's version when it is one of these, else the newest. */
export const PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"] as const;

export const SERVER_INFO = { name: "aumflow", title: "aumflow: crypto fund AUM and flows", version: "1" };

const INSTRUCTIONS = `${CONVENTIONS}
All tools only read. Start with get_summary for the latest figures, list_funds for the tickers, get_flow_table for one day's flows fund by fund, get_fund_days for one fund's history, get_aggregate for totals and groups over days, weeks and months, get_revisions for restatements.`;

type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent?: object;
  isError?: boolean;
};

function toolError(text: string): ToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "arguments" : path.map(String).join(".");
}

/** The argument errors in words, each naming its field, so an agent can correct the call. */
function argumentErrors(error: z.ZodError): string {
  const lines = error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${key}: unknown argument`)
      : [`${fieldPath(issue.path)}: ${issue.message}`],
  );
  return `Invalid arguments:\n${lines.join("\n")}`;
}

async function callTool(env: Env, tool: Tool, args: unknown, requestId: string): Promise<ToolResult> {
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) return toolError(argumentErrors(parsed.error));
  try {
    // As before every HTTP read: derived figures a crash or a deferred recompute left behind are caught up.
    const freshness = await readFreshness(env.DB);
    if (freshness.pending && !(await settleDerived(env))) {
      return toolError("Derived figures are being recomputed after a large write; retry in a few seconds.");
    }
    const answer = { ...(await tool.run(env, parsed.data)), data_version: freshness.dataVersion };
    return { content: [{ type: "text", text: JSON.stringify(answer) }], structuredContent: answer };
  } catch (error) {
    if (error instanceof Problem) {
      const fields = (error.errors ?? []).map((field) => `\n${field.pointer}: ${field.detail}`).join("");
      return toolError(`${error.message}${fields}`);
    }
    console.error(
      JSON.stringify({ level: "error", request: requestId, tool: tool.name, message: String(error) }),
    );
    return toolError("An internal error occurred; it has been logged.");
  }
}

function initializeResult(params: Record<string, unknown>) {
  const asked = params.protocolVersion;
  const protocolVersion = PROTOCOL_VERSIONS.find((version) => version === asked) ?? PROTOCOL_VERSIONS[0];
  return {
    protocolVersion,
    capabilities: { tools: { listChanged: false } },
    serverInfo: SERVER_INFO,
    instructions: INSTRUCTIONS,
  };
}

/** The answer to one request. */
export async function answer(
  env: Env,
  request: { id: Id; method: string; params: Record<string, unknown> },
  requestId: string,
): Promise<RpcResponse> {
  const { id, method, params } = request;
  switch (method) {
    case "initialize":
      if (typeof params.protocolVersion !== "string") {
        return rpcError(id, INVALID_PARAMS, "initialize needs params.protocolVersion (a string).");
      }
      return rpcResult(id, initializeResult(params));
    case "ping":
      return rpcResult(id, {});
    case "tools/list":
      // Every tool fits on one page: a cursor, if sent, changes nothing and no nextCursor follows.
      return rpcResult(id, { tools: TOOLS.map(describeTool) });
    case "tools/call": {
      const { name, arguments: args } = params;
      if (typeof name !== "string") return rpcError(id, INVALID_PARAMS, "tools/call needs params.name.");
      const tool = TOOLS.find((candidate) => candidate.name === name);
      if (!tool) {
        const names = TOOLS.map((candidate) => candidate.name).join(", ");
        return rpcError(id, INVALID_PARAMS, `Unknown tool: ${name}. The tools (all read-only) are ${names}.`);
      }
      if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
        return rpcError(id, INVALID_PARAMS, "params.arguments must be an object.");
      }
      return rpcResult(id, await callTool(env, tool, args, requestId));
    }
    default:
      return rpcError(id, METHOD_NOT_FOUND, `Method not found: ${method}.`);
  }
}
