// Writes every open data file into dist/data/ at build time, plus SHA256SUMS.txt.
import type { APIRoute, GetStaticPaths } from "astro";
import { renders } from "../../lib/build-units.ts";
import { fundFilesFingerprint } from "../../lib/incremental.ts";
import { loadModel } from "../../lib/model.ts";
import { checksumList, type DataFile, dataCatalog, fileBody } from "../../lib/opendata.ts";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", json: "application/json" };

export const getStaticPaths = (async () => {
  const model = await loadModel();
  // A fund's files with the same rows as in the last build are kept from it (incremental.ts).
  const files = dataCatalog(model).filter(
    (file) =>
      file.table.fund === undefined ||
      renders(`data:${file.path}`, fundFilesFingerprint(model, file.table.fund), [`data/${file.path}`]),
  );
  return [
    ...files.map((file) => ({ params: { file: file.path }, props: { file } })),
    { params: { file: "SHA256SUMS.txt" }, props: { file: undefined } },
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const file = props.file as DataFile | undefined;
  if (!file) {
    const list = checksumList(dataCatalog(await loadModel()));
    return new Response(list, { headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(fileBody(file), { headers: { "content-type": CONTENT_TYPES[file.format] } });
};
