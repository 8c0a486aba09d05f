// The Worker's bindings (wrangler.toml). ADMIN_TOKEN is a secret: `.dev.vars` locally.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    KV: KVNamespace;
    ASSETS: Fetcher;
    ADMIN_TOKEN: string;
    FEE_ACCRUAL: string;
    /** Optional secret: a CI deploy hook URL that rebuilds and deploys the report site. */
    SITE_DEPLOY_HOOK?: string;
    /** Requests per token and minute (functions/ratelimit.ts). */
    WRITE_LIMITER: RateLimit;
  }
}
interface Env extends Cloudflare.Env {}
