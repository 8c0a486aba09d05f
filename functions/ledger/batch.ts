// One path for every batch write: the rows are checked one by one against their schema, the rows that
// pass are checked against the reference data, and every problem of the batch is reported together.
// Only a batch without any problem is stored.
import type { z } from "@hono/zod-openapi";
import { MAX_ROWS_PER_BATCH, ObservedAt } from "../../shared/schemas.ts";
import { type Caller, fundsOutOfReach } from "../auth.ts";
import { invalid, Problem, pointer } from "../problem.ts";
import type { LedgerKind, LedgerRow } from "./kinds.ts";
import { submitBatch, type WriteContext } from "./submit.ts";
import { BatchErrors } from "./validate.ts";
import { observedTooEarly } from "./write.ts";

export interface Indexed<Row> {
  row: Row;
  at: string;
}

export interface BatchSpec<Schema extends z.ZodType> {
  /** The body's array field: "flows", "prices", ... */
  field: string;
  kind: LedgerKind;
  row: Schema;
  /** Funds a row writes, for tokens limited to some funds. */
  fundsOf: (row: z.infer<Schema>) => { field: string; fund: string }[];
  /** Reference checks of schema-valid rows; returns the rows to store, in batch order. */
  validate: (
    db: D1Database,
    caller: Caller,
    rows: Indexed<z.infer<Schema>>[],
    errors: BatchErrors,
  ) => Promise<Indexed<LedgerRow>[]>;
  keyOf: (row: LedgerRow) => string;
}

/** A part of the request that failed its schema, as the route's validation hook sees it. */
export interface FailedPart {
  target: string;
  error: z.ZodError;
}

/**
 * Validates and stores one batch. Called by the handler, and by the route's hook when a part failed its
 * schema: a failed body is checked row by row here, to name every bad row; any other failed part (the
 * query, such as dry_run=yes) is refused as it is, never written past.
 */
export async function handleBatch<Schema extends z.ZodType>(
  c: WriteContext,
  spec: BatchSpec<Schema>,
  failed?: FailedPart,
) {
  if (failed && failed.target !== "json") {
    throw invalid(
      failed.error.issues.map((issue) => ({ pointer: pointer(issue.path), detail: issue.message })),
    );
  }
  const body = (await c.req.json()) as unknown;
  const errors = new BatchErrors();
  const { list, observedAt: batchObservedAt } = rowsOf(body, spec.field);
  const valid: Indexed<z.infer<Schema>>[] = [];
  const observed: (string | null)[] = [];
  list.forEach((raw, index) => {
    const at = `/${spec.field}/${index}`;
    const parsed = spec.row.safeParse(raw);
    if (parsed.success) {
      valid.push({ row: parsed.data, at });
      const own = (parsed.data as { observed_at?: string }).observed_at;
      observed.push(observedAtText(own ?? batchObservedAt, `${at}/observed_at`, errors));
    } else
      for (const issue of parsed.error.issues) errors.add(`${at}${issuePointer(issue)}`, issueDetail(issue));
  });
  const caller = c.get("caller");
  const observing = observed.some((time) => time !== null);
  if (observing && !caller.admin) {
    throw new Problem(403, "Only an admin token may say when the public saw a value (observed_at).");
  }
  const outOfReach = fundsOutOfReach(
    caller,
    valid.flatMap(({ row, at }) =>
      spec.fundsOf(row).map(({ field, fund }) => ({ pointer: `${at}/${field}`, fund })),
    ),
  );
  if (outOfReach.length > 0)
    throw new Problem(403, "This token may not write some of these funds.", outOfReach);
  const validated = await spec.validate(c.env.DB, caller, valid, errors);
  const rows = validated.map(({ row, at }, index) => ({
    at,
    row: { ...row, observed_at: observed[index] ?? null },
  }));
  refuseRepeatedKeys(rows, spec.keyOf, errors);
  if (observing && errors.errors.length === 0) {
    const stored = rows.map(({ row }) => row);
    for (const { index, latest } of await observedTooEarly(c.env.DB, spec.kind, stored)) {
      const at = rows[index]?.at ?? "";
      errors.add(`${at}/observed_at`, `earlier than ${latest}, when the latest value of this key was seen`);
    }
  }
  return submitBatch(
    c,
    spec.kind,
    rows.map(({ row }) => row),
    errors,
  );
}

/** The same key twice in one batch is ambiguous (which value wins?), so it is refused. */
function refuseRepeatedKeys(
  rows: Indexed<LedgerRow>[],
  keyOf: (row: LedgerRow) => string,
  errors: BatchErrors,
) {
  const first = new Map<string, string>();
  for (const { row, at } of rows) {
    const key = keyOf(row);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, at);
    else errors.add(at, `the same key as ${earlier} (${key.replaceAll("|", ", ")})`);
  }
}

/** The body's rows and its batch-level observed_at (which rows without their own take). */
function rowsOf(body: unknown, field: string): { list: unknown[]; observedAt: string | undefined } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid([{ pointer: "", detail: `the body must be an object with a "${field}" array` }]);
  }
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== field && key !== "observed_at");
  const list = record[field];
  const problems = unknown.map((key) => ({ pointer: pointer([key]), detail: `unknown field ${key}` }));
  if (!Array.isArray(list)) problems.push({ pointer: `/${field}`, detail: `must be an array of ${field}` });
  else if (list.length > MAX_ROWS_PER_BATCH) {
    problems.push({
      pointer: `/${field}`,
      detail: `${list.length} rows; at most ${MAX_ROWS_PER_BATCH} in one batch`,
    });
  }
  const observedAt = ObservedAt.optional().safeParse(record.observed_at);
  if (!observedAt.success) problems.push({ pointer: "/observed_at", detail: "must be an ISO timestamp" });
  if (problems.length > 0) throw invalid(problems);
  return { list: list as unknown[], observedAt: observedAt.data };
}

/** Canonical (toISOString) so that times compare as text; never in the future. */
function observedAtText(value: string | undefined, at: string, errors: BatchErrors): string | null {
  if (value === undefined) return null;
  const time = new Date(value);
  if (time.getTime() > Date.now()) {
    errors.add(at, `${value} is in the future`);
    return null;
  }
  return time.toISOString();
}

function issuePointer(issue: z.core.$ZodIssue): string {
  return issue.code === "unrecognized_keys" && issue.keys.length === 1
    ? pointer([...issue.path, issue.keys[0] as string])
    : pointer(issue.path);
}

function issueDetail(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const named = issue.keys.slice(0, 20).join(", ");
    const more = issue.keys.length > 20 ? ` and ${issue.keys.length - 20} more` : "";
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${named}${more}`;
  }
  // A decimal field's union (string or number) fails with both branches' errors; an unknown event type
  // fails the discriminated union with none.
  if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.path.length > 0)
    return "must be a decimal string or a number";
  return issue.message;
}
