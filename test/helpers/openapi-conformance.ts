// Whether a real answer is what the OpenAPI document (and so the types generated from it) declares:
// the answer's status among the operation's responses, and its body valid against that response's
// schema for the keywords the document uses (types, nullability, enums, required and declared
// properties, items, patterns, unions and $refs). Each problem is named by the JSON pointer of the value.

export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  pattern?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

type Response = { content?: Record<string, { schema?: Schema }> };
export type Document = {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, Response> }>>;
  components?: { schemas?: Record<string, Schema> };
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(value);
  return typeOf(value) === type;
}

export function resolve(document: Document, schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(document, target);
}

/** The problems of `value` against `schema`; none when it conforms. */
export function problemsOf(document: Document, schema: Schema, value: unknown, at = ""): string[] {
  const s = resolve(document, schema);
  const where = at || "/";
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const branches = union.map((branch) => problemsOf(document, branch, value, at));
    const fits = branches.filter((problems) => problems.length === 0).length;
    if (s.oneOf && fits > 1) return [`${where}: fits ${fits} of oneOf`];
    if (fits === 0) return [`${where}: fits no branch (${branches.map((p) => p[0]).join("; ")})`];
  }
  const problems = (s.allOf ?? []).flatMap((part) => problemsOf(document, part, value, at));
  const types = s.type === undefined ? [] : [s.type].flat();
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    return [...problems, `${where}: ${typeOf(value)}, not ${types.join(" or ")}`];
  }
  if (s.enum && !s.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} not in the enum`);
  if (s.const !== undefined && s.const !== value) problems.push(`${where}: not ${JSON.stringify(s.const)}`);
  if (typeof value === "string" && s.pattern && !new RegExp(s.pattern, "u").test(value)) {
    problems.push(`${where}: ${JSON.stringify(value)} does not match ${s.pattern}`);
  }
  if (Array.isArray(value) && s.items) {
    const items = s.items;
    value.forEach((item, index) => {
      problems.push(...problemsOf(document, items, item, `${at}/${index}`));
    });
  }
  if (typeOf(value) === "object" && (s.properties || s.required)) {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in object)) problems.push(`${at}/${key}: missing`);
    for (const [key, field] of Object.entries(object)) {
      const declared = s.properties?.[key];
      if (declared) problems.push(...problemsOf(document, declared, field, `${at}/${key}`));
      // A field the document does not name is one a generated client cannot see.
      else if (s.additionalProperties === undefined || s.additionalProperties === false) {
        problems.push(`${at}/${key}: not in the document`);
      } else if (typeof s.additionalProperties === "object") {
        problems.push(...problemsOf(document, s.additionalProperties, field, `${at}/${key}`));
      }
    }
  }
  return problems;
}

/** The schema the document gives `GET path`'s answer of `status` in `mediaType`; undefined if none. */
export function answerSchema(
  document: Document,
  path: string,
  status: number,
  mediaType: string,
): Schema | undefined {
  return document.paths[path]?.get?.responses[String(status)]?.content?.[mediaType]?.schema;
}

/** The problems of a real answer to `GET path` against the document. */
export function answerProblems(
  document: Document,
  path: string,
  answer: { status: number; body: unknown; headers: Headers },
): string[] {
  const responses = document.paths[path]?.get?.responses;
  if (!responses) return [`GET ${path} is not in the document`];
  if (!responses[String(answer.status)])
    return [`GET ${path} answered ${answer.status}, not a declared status`];
  const mediaType = (answer.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  const schema = answerSchema(document, path, answer.status, mediaType);
  if (!schema) return [`GET ${path} ${answer.status} is ${mediaType}, not a declared media type`];
  return problemsOf(document, schema, answer.body);
}
