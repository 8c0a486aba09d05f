// Every failure leaves the API as RFC 9457 problem details naming each bad field.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface FieldError {
  pointer: string;
  detail: string;
}

const TITLES: Record<number, string> = {
  400: "Unreadable request",
  401: "Not authenticated",
  403: "Not allowed",
  404: "Not found",
  405: "Method not allowed",
  409: "Request in flight",
  413: "Request too large",
  415: "Unsupported media type",
  422: "Invalid request",
  429: "Too many requests",
  500: "Internal error",
  503: "Busy",
};

/** Thrown anywhere; the app's single error handler turns it into a problem+json response. */
export class Problem extends Error {
  readonly status: ContentfulStatusCode;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    detail: string,
    errors?: FieldError[],
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

/** Errors listed in one answer: a body of 200,000 unknown keys must not earn a 10 MB reply. */
export const MAX_LISTED_ERRORS = 1000;

export function invalid(errors: FieldError[], detail?: string): Problem {
  const first = errors[0];
  const listed = errors.length > MAX_LISTED_ERRORS ? `; the first ${MAX_LISTED_ERRORS} are listed` : "";
  const summary =
    detail ??
    (errors.length === 1 && first
      ? `${first.pointer || "body"}: ${first.detail}`
      : `${errors.length} fields are invalid${listed}; see errors.`);
  return new Problem(422, summary, errors.slice(0, MAX_LISTED_ERRORS));
}

export function problemBody(status: number, detail: string, errors?: FieldError[]) {
  return {
    type: `https://aumflow.dev/problems/${status}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}

export function problemResponse(c: Context, problem: Problem): Response {
  const body = JSON.stringify(problemBody(problem.status, problem.message, problem.errors));
  return c.body(body, problem.status, {
    "Content-Type": "application/problem+json",
    ...problem.headers,
  });
}

/** A JSON pointer (RFC 6901) to a field of the request body. */
export function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

const PART_PREFIXES: Record<string, string> = {
  json: "",
  form: "",
  query: "/query",
  param: "/path",
  header: "/header",
};

/**
 * What a pointer into a part of the request starts with: nothing for the body (`/flows/3/date`), the
 * part for a parameter (`/query/from`, `/path/ticker`), as docs/api.md says.
 */
export function partPrefix(target: string): string {
  return PART_PREFIXES[target] ?? `/${target}`;
}
