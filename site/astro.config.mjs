// The report site: fully static, built from the API's export (see src/lib/data.ts).
import { defineConfig } from "astro/config";

/**
 * The public origin for canonical links, the sitemap, the feed and robots.txt (src/lib/address.ts):
 * AUMFLOW_SITE_URL; else, built from a running API, that API's origin (the Worker serves the site on
 * the same one, whatever its port); else, built from saved answers, none: those links are relative.
 */
function siteUrl() {
  const explicit = process.env.AUMFLOW_SITE_URL?.trim();
  if (explicit) return explicit;
  if (process.env.AUMFLOW_EXPORT_DIR || !process.env.AUMFLOW_API) return undefined;
  return new URL(process.env.AUMFLOW_API).origin;
}

export default defineConfig({
  site: siteUrl(),
  output: "static",
  outDir: "./dist",
  // Directory pages (/funds/IBIT/) match how Workers static assets serve index.html files.
  trailingSlash: "always",
  build: { format: "directory", concurrency: Number(process.env.AUMFLOW_BUILD_CONCURRENCY ?? 4) },
  compressHTML: true,
  devToolbar: { enabled: false },
});
