// Writes every open data file into dist/data/ at build time, plus SHA256SUMS.txt.
import type { APIRoute, GetStaticPaths } from "astro";
import { loadModel } from "../../lib/model.ts";
import { checksumList, dataCatalog, renderFile } from "../../lib/opendata.ts";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", json: "application/json", txt: "text/plain; charset=utf-8" };

export const getStaticPaths = (async () => {
  const model = await loadModel();
  const files = dataCatalog(model);
  return [
    ...files.map((file) => ({ params: { file: file.path }, props: { file: file.path } })),
    { params: { file: "SHA256SUMS.txt" }, props: { file: "SHA256SUMS.txt" } },
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const model = await loadModel();
  const files = dataCatalog(model);
  const path = String(props.file);
  if (path === "SHA256SUMS.txt") return new Response(checksumList(files), { headers: { "content-type": CONTENT_TYPES.txt } });
  const file = files.find((candidate) => candidate.path === path);
  if (!file) return new Response("not found", { status: 404 });
  return new Response(renderFile(file.table, file.format).body, { headers: { "content-type": CONTENT_TYPES[file.format] } });
};
