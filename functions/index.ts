// The Worker: the API under /v1 (static site assets are served by the platform before it), and a
// cron trigger for housekeeping.

import { app } from "./app.ts";
import { forgetExpiredKeys } from "./idempotency.ts";
import { settleDerived } from "./recompute/settle.ts";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(Promise.all([forgetExpiredKeys(env.DB), settleDerived(env)]));
  },
} satisfies ExportedHandler<Env>;
