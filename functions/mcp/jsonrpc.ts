// JSON-RPC 2.0 as MCP uses it: one message per POST body (batches left the protocol in 2025-06-18),
// ids that are strings or numbers (never null), params that are objects.

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

export type Id = string | number;

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcResponse =
  | { jsonrpc: "2.0"; id: Id; result: object }
  | { jsonrpc: "2.0"; id: Id | null; error: RpcError };

/** What one POSTed body holds. */
export type Incoming =
  | { kind: "request"; id: Id; method: string; params: Record<string, unknown> }
  | { kind: "notification"; method: string }
  /** A client's answer to a request of the server's (this server sends none): acknowledged, ignored. */
  | { kind: "response" }
  | { kind: "invalid"; response: RpcResponse };

export function rpcError(id: Id | null, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

export function rpcResult(id: Id, result: object): RpcResponse {
  return { jsonrpc: "2.0", id, result };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isId = (value: unknown): value is Id =>
  typeof value === "string" || (typeof value === "number" && Number.isFinite(value));

/** Sorts a parsed body into a request, a notification, a response, or the error it earns. */
export function classify(body: unknown): Incoming {
  if (Array.isArray(body)) {
    const invalid = rpcError(
      null,
      INVALID_REQUEST,
      "Batches are not supported: send one JSON-RPC message per POST (MCP 2025-06-18 removed batching).",
    );
    return { kind: "invalid", response: invalid };
  }
  if (!isObject(body)) {
    return {
      kind: "invalid",
      response: rpcError(null, INVALID_REQUEST, "The body must be a JSON-RPC object."),
    };
  }
  const id = isId(body.id) ? body.id : null;
  const refuse = (message: string): Incoming => ({
    kind: "invalid",
    response: rpcError(id, INVALID_REQUEST, message),
  });
  if (body.jsonrpc !== "2.0") return refuse('jsonrpc must be "2.0".');
  if (!("method" in body)) {
    if (id !== null && ("result" in body || "error" in body)) return { kind: "response" };
    return refuse("A request needs a method.");
  }
  if (typeof body.method !== "string" || body.method === "") return refuse("method must be a string.");
  if ("params" in body && body.params !== undefined && !isObject(body.params)) {
    return refuse("params must be an object.");
  }
  if (!("id" in body)) return { kind: "notification", method: body.method };
  if (id === null) return refuse("id must be a string or a number.");
  return { kind: "request", id, method: body.method, params: isObject(body.params) ? body.params : {} };
}
