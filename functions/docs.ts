// GET /v1/docs: the OpenAPI document rendered to plain HTML on the server. No script, no CDN: it
// reads anywhere, and every text from the document is escaped.
type Json = Record<string, unknown>;

const escapeHtml = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function schemaText(schema: unknown, components: Json, depth = 0): string {
  if (!schema || typeof schema !== "object" || depth > 4) return "";
  const node = schema as Json;
  if (typeof node.$ref === "string") {
    const name = node.$ref.split("/").at(-1) ?? "";
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (node.type === "array") return `array of ${schemaText(node.items, components, depth + 1)}`;
  if (node.properties) {
    const required = new Set((node.required as string[] | undefined) ?? []);
    const rows = Object.entries(node.properties as Json).map(
      ([name, property]) =>
        `<li><code>${escapeHtml(name)}</code>${required.has(name) ? "" : " (optional)"}: ${schemaText(property, components, depth + 1)}</li>`,
    );
    return `object<ul>${rows.join("")}</ul>`;
  }
  const variants = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (variants) return variants.map((variant) => schemaText(variant, components, depth + 1)).join(" or ");
  const enumeration = node.enum as unknown[] | undefined;
  const type = enumeration
    ? `one of ${enumeration.map((value) => `<code>${escapeHtml(value)}</code>`).join(", ")}`
    : escapeHtml(node.type ?? "any");
  const pattern = node.pattern ? ` matching <code>${escapeHtml(node.pattern)}</code>` : "";
  const example =
    node.example !== undefined ? `, e.g. <code>${escapeHtml(JSON.stringify(node.example))}</code>` : "";
  return `${type}${pattern}${example}`;
}

function operationHtml(path: string, method: string, operation: Json, components: Json): string {
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).map(
    (parameter) =>
      `<li><code>${escapeHtml(parameter.name)}</code> in ${escapeHtml(parameter.in)}${parameter.required ? " (required)" : ""}: ${schemaText(parameter.schema, components)}${parameter.description ? ` — ${escapeHtml(parameter.description)}` : ""}</li>`,
  );
  const body = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const bodySchema = (body?.["application/json"] as Json | undefined)?.schema;
  const responses = Object.entries((operation.responses as Json | undefined) ?? {}).map(
    ([status, response]) =>
      `<li><code>${escapeHtml(status)}</code> ${escapeHtml((response as Json).description)}</li>`,
  );
  const secured = operation.security ? " <span class=badge>token</span>" : "";
  return `<section class=op id="${escapeHtml(`${method}-${path}`)}">
<h3><span class=method>${escapeHtml(method.toUpperCase())}</span> <code>/v1${escapeHtml(path)}</code>${secured}</h3>
<p>${escapeHtml(operation.summary)}</p>
${parameters.length ? `<h4>Parameters</h4><ul>${parameters.join("")}</ul>` : ""}
${bodySchema ? `<h4>Body</h4><div>${schemaText(bodySchema, components)}</div>` : ""}
<h4>Responses</h4><ul>${responses.join("")}</ul></section>`;
}

export function renderDocs(document: Json): string {
  const components = ((document.components as Json | undefined)?.schemas as Json | undefined) ?? {};
  const operations = Object.entries((document.paths as Json | undefined) ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, operation]) =>
      operationHtml(path, method, operation as Json, components),
    ),
  );
  const schemas = Object.entries(components).map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaText(schema, components)}</section>`,
  );
  const info = (document.info as Json | undefined) ?? {};
  return `<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width,initial-scale=1">
<title>${escapeHtml(info.title)} API reference</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1b1f24;background:#fff}
code{font-family:ui-monospace,monospace;overflow-wrap:anywhere}.op{border-top:1px solid #ccd;padding:.5rem 0}
.method{font-family:ui-monospace,monospace;background:#1d4ed8;color:#fff;padding:0 .4rem;border-radius:.2rem}
.badge{font-size:.75rem;border:1px solid #555;border-radius:.2rem;padding:0 .3rem}a{color:#1d4ed8}
@media (prefers-color-scheme:dark){body{background:#0f1419;color:#e6e6e6}a{color:#8ab4ff}}</style></head>
<body><header><p><a href="/">aumflow</a></p><h1>${escapeHtml(info.title)} ${escapeHtml(info.version)}</h1>
<p>${escapeHtml(info.description)}</p><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a></p></header>
<main><h2>Endpoints</h2>${operations.join("\n")}<h2>Schemas</h2>${schemas.join("\n")}</main></body></html>`;
}
