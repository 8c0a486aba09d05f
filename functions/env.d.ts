// The Worker's bindings (wrangler.toml). ADMIN_TOKEN is a secret: `.dev.vars` locally.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    KV: KVNamespace;
    ASSETS: Fetcher;
    ADMIN_TOKEN: string;
    FEE_ACCRUAL: string;
  }
}
interface Env extends Cloudflare.Env {}
