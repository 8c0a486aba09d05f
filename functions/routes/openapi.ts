// Pieces every route description shares: the bearer scheme, problem responses, list formats.
import { createRoute, z } from "@hono/zod-openapi";
import type { Scope } from "../../shared/domain.ts";
import { ProblemDetails, WriteResult } from "../../shared/schemas.ts";
import { requireScope } from "../auth.ts";
import { jsonBody } from "../body.ts";
import { idempotency } from "../idempotency.ts";

export const problem = (description: string) => ({
  content: { "application/problem+json": { schema: ProblemDetails } },
  description,
});

export const WRITE_PROBLEMS = {
  400: problem("Unreadable body"),
  401: problem("No or unknown token"),
  403: problem("The token lacks the scope or the fund"),
  409: problem("A request with this Idempotency-Key is still running"),
  413: problem("Body over 5 MiB"),
  415: problem("Not application/json"),
  422: problem("Invalid rows, each named by a JSON pointer"),
  429: problem("Rate limited"),
} as const;

/** A read's refusal of its parameters: a date that is not one, from after to, a ticker of the wrong shape. */
export const PARAMETER_PROBLEMS = problem(
  "Invalid parameters, each named by a JSON pointer (/query/from, /path/ticker)",
);

export const bearer = [{ bearerAuth: [] }];

export const WriteHeaders = z.object({
  "idempotency-key": z.string().optional().openapi({
    description: "Up to 255 characters; a retry with the same key and body replays the first answer.",
  }),
});

export const WriteQuery = z.object({
  dry_run: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Validate and count without storing." }),
  recompute: z
    .enum(["now", "defer"])
    .optional()
    .openapi({
      description:
        "defer (admin tokens, for bulk loads): store and queue the recompute without running it; " +
        "POST /v1/admin/settle (or any read) brings the derived figures up to date.",
    }),
});

/** The header of a read answered a page at a time (RFC 8288), absent on the last page. */
export const NextLink = {
  Link: {
    description: 'The next page, as `next` in a JSON answer: `</v1/…>; rel="next"`; absent on the last page',
    schema: { type: "string" as const },
  },
};

export const ListFormat = z.enum(["json", "csv"]).optional().openapi({ description: "csv for a CSV table" });

/** A batch write route: bearer scope, then the body limits, then the Idempotency-Key, then the schema. */
export function batchRoute<Body extends z.ZodType>(path: string, summary: string, body: Body, scope: Scope) {
  return createRoute({
    method: "post",
    path,
    summary: `${summary} (atomic batch, up to 10,000 rows)`,
    security: bearer,
    middleware: [requireScope(scope), jsonBody, idempotency] as const,
    request: {
      headers: WriteHeaders,
      query: WriteQuery,
      body: { content: { "application/json": { schema: body } }, required: true },
    },
    responses: {
      200: { content: { "application/json": { schema: WriteResult } }, description: "Stored" },
      ...WRITE_PROBLEMS,
    },
  });
}
