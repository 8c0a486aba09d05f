// One path for every batch write: the rows are checked one by one against their schema, then against
// the reference data: the rows that pass whole, and of the rows that failed, the fields that passed (an
// unknown fund and a malformed date of one row come in the same answer). Every problem of the batch is
// reported together; only a batch without any problem is stored.
import { z } from "@hono/zod-openapi";
import { MAX_ROWS_PER_BATCH, ObservedAt } from "../../shared/schemas.ts";
import { type Caller, fundsOutOfReach } from "../auth.ts";
import { invalid, Problem, partPrefix, pointer } from "../problem.ts";
import type { LedgerKind, LedgerRow } from "./kinds.ts";
import { submitBatch, type WriteContext } from "./submit.ts";
import { BatchErrors, schemaErrors } from "./validate.ts";
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
  if (failed && failed.target !== "json")
    throw invalid(schemaErrors(failed.error.issues, partPrefix(failed.target)));
  // A body that passed the route's schema is taken as the route parsed it: every row passed its own
  // schema then, and parsing the text and each row again would only cost time (a third of a large
  // batch's time before its SQL). A failed body is read again, row by row, to name every bad row.
  const body = failed ? ((await c.req.json()) as unknown) : validatedBody(c);
  const errors = new SalvageErrors();
  const { list, observedAt: batchObservedAt } = rowsOf(body, spec.field);
  const valid: Indexed<z.infer<Schema>>[] = [];
  const observed: (string | null)[] = [];
  const salvaged: (Indexed<z.infer<Schema>> & { failed: readonly string[] })[] = [];
  const caller = c.get("caller");
  list.forEach((raw, index) => {
    const at = `/${spec.field}/${index}`;
    const parsed = failed
      ? spec.row.safeParse(raw)
      : { success: true as const, data: raw as z.infer<Schema> };
    if (parsed.success) {
      valid.push({ row: parsed.data, at });
      const own = (parsed.data as { observed_at?: string }).observed_at;
      const time = own ?? batchObservedAt;
      observed.push(time === undefined ? null : observedAtText(time, `${at}/observed_at`, errors));
      return;
    }
    for (const issue of parsed.error.issues) errors.add(`${at}${issuePointer(issue)}`, issueDetail(issue));
    const kept = salvage(spec.row, raw, parsed.error.issues);
    if (!kept) return;
    salvaged.push({ ...kept, at });
    for (const field of kept.failed) errors.placeholders.add(`${at}/${field}`);
    const own = (kept.row as { observed_at?: string }).observed_at;
    if (caller.admin) observedAtText(own ?? batchObservedAt, `${at}/observed_at`, errors);
  });
  const observing = observed.some((time) => time !== null);
  if (observing && !caller.admin) {
    throw new Problem(403, "Only an admin token may say when the public saw a value (observed_at).");
  }
  const fundsNamed = (rows: readonly (Indexed<z.infer<Schema>> & { failed?: readonly string[] })[]) =>
    rows.flatMap(({ row, at, failed }) =>
      spec
        .fundsOf(row)
        .filter(({ field }) => !failed?.includes(field))
        .map(({ field, fund }) => ({ pointer: `${at}/${field}`, fund })),
    );
  // A token that may write every fund has no fund out of its reach: the pointers are not even named.
  const outOfReach = caller.funds ? await fundsOutOfReach(c.env.DB, caller, fundsNamed(valid)) : [];
  if (outOfReach.length > 0)
    throw new Problem(403, "This token may not write some of these funds.", outOfReach);
  // A failed row naming a fund out of the token's reach keeps its schema errors only: the reference
  // checks would tell the token about a fund it may not write.
  const unreachable = new Set(
    caller.funds && salvaged.length > 0
      ? (await fundsOutOfReach(c.env.DB, caller, fundsNamed(salvaged))).map(({ pointer }) =>
          rowPointer(pointer),
        )
      : [],
  );
  const checked = [...valid, ...salvaged.filter(({ at }) => !unreachable.has(at))];
  const validated = await spec.validate(c.env.DB, caller, checked, errors);
  // Only the rows that passed their schema can be stored; any salvaged row has errors already.
  const rows = validated.slice(0, valid.length).map(({ row, at }, index) => ({
    at,
    row: { ...row, observed_at: observed[index] ?? null },
  }));
  refuseRepeatedKeys(rows, spec.keyOf, errors);
  errors.errors.sort((a, b) => rowIndex(a.pointer) - rowIndex(b.pointer));
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

/** The body as the route's schema parsed it (a body that failed never reaches the handler). */
function validatedBody(c: WriteContext): unknown {
  return (c.req as unknown as { valid(target: "json"): unknown }).valid("json");
}

/**
 * The errors of a batch. The reference checks of a row that failed its schema run with a placeholder in
 * each failed field (see salvage); what they say of a placeholder is dropped, the schema error stands.
 */
class SalvageErrors extends BatchErrors {
  /** Pointers of the fields holding a placeholder: "/flows/3/date". */
  readonly placeholders = new Set<string>();
  override add(pointer: string, detail: string): void {
    if (this.placeholders.size > 0 && this.placeholders.has(pointer.split("/", 4).join("/"))) return;
    super.add(pointer, detail);
  }
}

/** "/flows/3/date" → "/flows/3". */
const rowPointer = (pointer: string) => pointer.split("/", 3).join("/");
/** "/flows/3/date" → 3; the body's own fields (no row) first. */
const rowIndex = (pointer: string) => Number(pointer.split("/", 3)[2] ?? -1) || 0;

/**
 * A row that failed its schema, made checkable against the reference data: its fields that pass their
 * own schema as parsed, a placeholder in each field that does not. A placeholder is a value the
 * reference checks judge without consequence for the other fields: zero for an amount (no sign, no
 * precision, within every bound), absent for an optional field, and "" for the rest (it names no fund,
 * asset or date, so the checks that need it report only at its own pointer, which is dropped). Nothing
 * when the row is not an object or the kind of row cannot be told (an event without a valid type).
 */
function salvage<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  issues: readonly z.core.$ZodIssue[],
): { row: z.infer<Schema>; failed: string[] } | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  const failed = new Set<string>();
  for (const issue of issues) {
    const [field] = issue.path;
    if (field !== undefined) failed.add(String(field));
    else if (issue.code !== "unrecognized_keys") return null;
  }
  const shape = shapeOf(schema, record);
  if (!shape) return null;
  const row: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(shape)) {
    const parsed = failed.has(field)
      ? null
      : fieldSchema.safeParse(Object.hasOwn(record, field) ? record[field] : undefined);
    if (parsed?.success) row[field] = parsed.data;
    else {
      failed.add(field);
      row[field] = placeholder(fieldSchema);
    }
  }
  return { row: row as z.infer<Schema>, failed: [...failed] };
}

/** The fields of an object schema, or of the option of a discriminated union the row's discriminator picks. */
function shapeOf(schema: z.ZodType, row: Record<string, unknown>): Record<string, z.ZodType> | null {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return null;
  const key = schema._zod.def.discriminator;
  for (const option of schema.options as readonly z.ZodType[]) {
    if (!(option instanceof z.ZodObject)) continue;
    const shape = option.shape as Record<string, z.ZodType>;
    if (shape[key]?.safeParse(row[key]).success) return shape;
  }
  return null;
}

function placeholder(field: z.ZodType): unknown {
  // An amount field takes both a decimal string and a JSON number; no code, date or text field does.
  if (field.safeParse("0").success && field.safeParse(0).success) return "0";
  const absent = field.safeParse(undefined);
  return absent.success ? absent.data : "";
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
