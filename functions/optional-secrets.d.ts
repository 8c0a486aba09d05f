// Secrets a deployment may leave unset. `wrangler types` types every name it is given as always present,
// so these are declared here; the rest of `Env` is generated into worker-configuration.d.ts.
declare namespace Cloudflare {
  interface Env {
    /** A CI deploy hook URL that rebuilds and deploys the report site (functions/site-rebuild.ts). */
    SITE_DEPLOY_HOOK?: string;
  }
}
interface Env extends Cloudflare.Env {}
