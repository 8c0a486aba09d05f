// A typed GET for the API's reads, from the generated description alone (shared/openapi.d.ts), as a
// client generated from the OpenAPI document would type it: the path's parameters and query as the
// document names them, and the answer as a union over the statuses it declares, the body of each typed
// as its JSON (or problem+json) schema says. A route whose answer changes shape fails the type check
// of every caller that reads a field that moved.
import type { paths } from "../../shared/openapi.d.ts";

/** The paths with a GET. */
export type ReadPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];

type Operation<P extends ReadPath> = paths[P] extends { get: infer O } ? O : never;
type Parameters<P extends ReadPath> = Operation<P> extends { parameters: infer X } ? X : never;
type Query<P extends ReadPath> = Parameters<P> extends { query?: infer Q } ? Q : never;
type PathParameters<P extends ReadPath> = Parameters<P> extends { path: infer X } ? X : never;
type Responses<P extends ReadPath> = Operation<P> extends { responses: infer R } ? R : never;
type Body<R> = R extends { content: infer C }
  ? C extends { "application/json": infer B }
    ? B
    : C extends { "application/problem+json": infer B }
      ? B
      : string
  : never;

/** One answer of `GET path`: narrow on `status` to read its body. */
export type Answer<P extends ReadPath> = {
  [S in keyof Responses<P>]: { status: S; body: Body<Responses<P>[S]>; headers: Headers };
}[keyof Responses<P>];

type Options<P extends ReadPath> = ([Query<P>] extends [never] ? { query?: never } : { query?: Query<P> }) &
  ([PathParameters<P>] extends [never] ? { path?: never } : { path: PathParameters<P> });

/** `GET {base}/v1{path}`, the path's `{name}`s filled from `options.path`. */
export async function read<P extends ReadPath>(
  base: string,
  path: P,
  ...[options]: [PathParameters<P>] extends [never] ? [Options<P>?] : [Options<P>]
): Promise<Answer<P>> {
  const values = (options?.path ?? {}) as Record<string, string>;
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((options?.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const search = query.size > 0 ? `?${query}` : "";
  const response = await fetch(`${base}/v1${filled}${search}`);
  const json = /json/.test(response.headers.get("content-type") ?? "");
  const body = json ? await response.json() : await response.text();
  return { status: response.status, body, headers: response.headers } as Answer<P>;
}
