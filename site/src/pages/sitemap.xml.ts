// Every page, for search engines. Built from the same model as the pages, so it lists exactly what exists,
// at the site's own address (relative paths when the build has none: see src/lib/address.ts).

import { getCollection } from "astro:content";
import type { APIRoute } from "astro";
import { absolute } from "../lib/address.ts";
import { flowScopes } from "../lib/flowdata.ts";
import { loadModel } from "../lib/model.ts";

export const GET: APIRoute = async ({ site }) => {
  const model = await loadModel();
  const learn = await getCollection("learn");
  const paths = [
    "/",
    "/flows/",
    "/trends/",
    "/funds/",
    "/issuers/",
    "/assets/",
    "/weekly/",
    "/learn/",
    "/methodology/",
    "/data/",
    ...learn.map((entry) => `/learn/${entry.id}/`),
    ...model.funds.map((fund) => `/funds/${fund.ticker}/`),
    ...model.issuers.map((issuer) => `/issuers/${issuer.slug}/`),
    ...model.assets.map((asset) => `/assets/${asset.symbol}/`),
    ...model.weeks.map((week) => `/weekly/${week}/`),
    ...flowScopes(model).flatMap((scope) => [
      `/flows/${scope.slug}/`,
      ...scope.years.flatMap((year) => [
        `/flows/${scope.slug}/${year}/`,
        ...(scope.coins ? [`/flows/${scope.slug}/${year}/coins/`] : []),
      ]),
    ]),
  ];
  const lastmod = model.data.export.generated_at.slice(0, 10);
  const urls = paths.map(
    (path) => `  <url><loc>${absolute(path, site)}</loc><lastmod>${lastmod}</lastmod></url>`,
  );
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(body, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
