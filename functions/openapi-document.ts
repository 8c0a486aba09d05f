// The OpenAPI document as clients get it: generated from the routes' zod schemas, then finished in one
// place so no route can forget it: every operation named (generated clients get method names), every
// public read saying it needs no token, every operation answering a problem for a bad request, and
// the terms it is offered under.

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Document = { paths?: Record<string, Record<string, Operation>>; info?: Record<string, unknown> };

const METHODS = ["get", "put", "post", "delete", "patch"];

/** `get /funds/{ticker}/daily` → `getFundsTickerDaily`: stable, and unique because paths are. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((part) => part.replace(/[{}]/g, ""))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join("");
}

const PROBLEM = {
  description: "The request was refused: problem details naming every bad field",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } },
};

export function finishDocument<T>(generated: T): T {
  const document = generated as Document;
  document.info = {
    ...document.info,
    license: {
      name: "Data: see each source's terms; the API's answers may be reused with attribution",
      url: "https://aumflow.dev/methodology/",
    },
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.operationId ??= operationIdOf(method, path);
      // A read without a stated security needs no token.
      operation.security ??= [];
      operation.responses ??= {};
      const responses = operation.responses;
      if (!Object.keys(responses).some((status) => status.startsWith("4"))) responses["400"] = PROBLEM;
    }
  }
  return generated;
}
