// robots.txt: everything may be read; the sitemap at the site's own address (relative without one).
import type { APIRoute } from "astro";
import { absolute } from "../lib/address.ts";

export const GET: APIRoute = ({ site }) =>
  new Response(`User-agent: *\nAllow: /\n\nSitemap: ${absolute("/sitemap.xml", site)}\n`, {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
