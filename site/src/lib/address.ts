// The site's own address in absolute links (canonical, sitemap, feed, robots.txt). It is
// AUMFLOW_SITE_URL when set; else, for a build from a running API (npm start: the Worker serves the API
// and the site on one origin), that API's origin; else (a build from saved answers) none, and every
// such link is relative. Never a default host that may not be the site's.

/** The public origin, from astro.config.mjs's `site`; undefined when the build has none. */
export function absolute(path: string, site: URL | undefined): string {
  return site ? new URL(path, site).href : path;
}

/** A feed entry's id: a tag URI (RFC 4151), the same whatever address the site is served from. */
export function tagId(path: string): string {
  return `tag:aumflow,2024:${path.replace(/^\/+|\/+$/g, "") || "home"}`;
}
