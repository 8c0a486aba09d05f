// In production the report site is rebuilt by a CI deploy hook (a URL given as the secret
// SITE_DEPLOY_HOOK). The cron trigger calls it when data_version has moved since the last call:
// many writes in a burst cause one rebuild, not one per write.
import { readDataVersion } from "./db/meta.ts";

const LAST_REQUESTED_KEY = "site:rebuild-requested-for";

export async function requestSiteRebuild(
  env: Env,
  fetcher: typeof fetch = fetch,
): Promise<"requested" | "unchanged" | "no-hook"> {
  if (!env.SITE_DEPLOY_HOOK) return "no-hook";
  const version = await readDataVersion(env.DB);
  const requested = Number((await env.KV.get(LAST_REQUESTED_KEY)) ?? -1);
  if (requested === version) return "unchanged";
  const response = await fetcher(env.SITE_DEPLOY_HOOK, { method: "POST" });
  if (!response.ok) throw new Error(`deploy hook answered ${response.status}`);
  await env.KV.put(LAST_REQUESTED_KEY, String(version));
  return "requested";
}
