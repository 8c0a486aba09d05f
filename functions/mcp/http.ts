// The Worker's doors for agents, beside the API: POST /mcp (MCP's Streamable HTTP transport, JSON
// answers, stateless) and GET /llms.txt. Neither is a REST resource, so neither is in the OpenAPI
// document. Every figure is public, as on GET /v1/*: any Origin may call, no token is asked for.
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../auth.ts";
import { classify, INVALID_REQUEST, PARSE_ERROR, type RpcResponse, rpcError } from "./jsonrpc.ts";
import { renderLlmsTxt } from "./llms.ts";
import { answer, PROTOCOL_VERSIONS } from "./server.ts";

export const agents = new Hono<AppEnv>();

/** Far above any MCP request this server understands (a tools/call is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

agents.use(
  "/mcp",
  cors({
    origin: "*",
    allowMethods: ["POST", "GET", "OPTIONS"],
    allowHeaders: ["Content-Type", "Accept", "Authorization", "Mcp-Protocol-Version", "Mcp-Session-Id"],
    exposeHeaders: ["Mcp-Session-Id"],
  }),
);

/** JSON (the default) or, for a client that accepts only an event stream, one SSE event. */
function framing(accept: string | undefined): "json" | "sse" | null {
  const types = (accept ?? "").split(",").map((part) => part.split(";")[0]?.trim().toLowerCase() ?? "");
  if (!accept?.trim() || types.some((type) => ["application/json", "application/*", "*/*"].includes(type)))
    return "json";
  return types.includes("text/event-stream") ? "sse" : null;
}

function send(response: RpcResponse, status: 200 | 400 | 406 | 413 | 415, format: "json" | "sse" = "json") {
  const body = JSON.stringify(response);
  if (format === "sse") {
    return new Response(`event: message\ndata: ${body}\n\n`, {
      status,
      headers: { ...NO_STORE, "Content-Type": "text/event-stream" },
    });
  }
  return new Response(body, { status, headers: { ...NO_STORE, "Content-Type": "application/json" } });
}

agents.post("/mcp", async (c) => {
  const version = c.req.header("mcp-protocol-version");
  if (version !== undefined && !(PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
    const supported = PROTOCOL_VERSIONS.join(", ");
    return send(
      rpcError(
        null,
        INVALID_REQUEST,
        `Unsupported MCP-Protocol-Version ${version}; supported: ${supported}.`,
      ),
      400,
    );
  }
  const format = framing(c.req.header("accept"));
  if (format === null) {
    return send(rpcError(null, INVALID_REQUEST, "Accept application/json or text/event-stream."), 406);
  }
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return send(rpcError(null, INVALID_REQUEST, "Send the JSON-RPC message as application/json."), 415);
  }
  const declared = Number(c.req.header("content-length") ?? 0);
  const text = declared > MAX_BODY_BYTES ? null : await c.req.text();
  if (text === null || text.length > MAX_BODY_BYTES) {
    return send(rpcError(null, INVALID_REQUEST, `The body is over ${MAX_BODY_BYTES} bytes.`), 413);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return send(rpcError(null, PARSE_ERROR, "Parse error: the body is not JSON."), 400, format);
  }
  const message = classify(body);
  switch (message.kind) {
    case "invalid":
      return send(message.response, 400, format);
    case "notification":
    case "response":
      // notifications/initialized, notifications/cancelled…: nothing to do and nothing to answer.
      return new Response(null, { status: 202, headers: NO_STORE });
    case "request":
      return send(await answer(c.env, message, crypto.randomUUID()), 200, format);
  }
});

// No server-initiated stream and no session to end: POST is the only way in.
agents.on(["GET", "DELETE", "PUT", "PATCH"], "/mcp", () => {
  const body = rpcError(null, -32000, "Method not allowed: POST one JSON-RPC message to this endpoint.");
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { ...NO_STORE, "Content-Type": "application/json", Allow: "POST, OPTIONS" },
  });
});

agents.onError((error, c) => {
  console.error(JSON.stringify({ level: "error", path: c.req.path, message: String(error) }));
  return c.text("An internal error occurred; it has been logged.", 500, NO_STORE);
});

agents.get("/llms.txt", async (c) => {
  const text = await renderLlmsTxt(c.env, new URL(c.req.url).origin);
  return c.text(text, 200, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
  });
});
