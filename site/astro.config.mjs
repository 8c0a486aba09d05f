// The report site: fully static, built from the API's export (see src/lib/data.ts).
import { defineConfig } from "astro/config";

export default defineConfig({
  // Absolute URLs (canonical links, sitemap, feed) need the public origin.
  site: process.env.AUMFLOW_SITE_URL ?? "http://localhost:8787",
  output: "static",
  outDir: "./dist",
  // Directory pages (/funds/IBIT/) match how Workers static assets serve index.html files.
  trailingSlash: "always",
  build: { format: "directory", concurrency: Number(process.env.AUMFLOW_BUILD_CONCURRENCY ?? 4) },
  compressHTML: true,
  devToolbar: { enabled: false },
});
