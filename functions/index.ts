// The Worker: the API under /v1 (static site assets are served by the platform before it), and a
// cron trigger (wrangler.toml [triggers]) for housekeeping and the debounced site rebuild.

import { app } from "./app.ts";
import { forgetExpiredKeys } from "./idempotency.ts";
import { settleDerived } from "./recompute/settle.ts";
import { requestSiteRebuild } from "./site-rebuild.ts";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      Promise.all([
        forgetExpiredKeys(env.DB),
        settleDerived(env).then((settled) => (settled ? requestSiteRebuild(env) : undefined)),
      ]),
    );
  },
} satisfies ExportedHandler<Env>;
