// The cron trigger asks the site's deploy hook for a rebuild once per data_version.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { requestSiteRebuild } from "../../functions/site-rebuild.ts";
import { freshTicker, putFund } from "./helpers/api.ts";

it("calls the deploy hook when data_version moved, once", async () => {
  const calls: string[] = [];
  const hook = (async (url: string) => {
    calls.push(url);
    return new Response("ok");
  }) as unknown as typeof fetch;
  const configured = { ...env, SITE_DEPLOY_HOOK: "https://ci.example/hooks/site" };
  expect(await requestSiteRebuild({ ...env, SITE_DEPLOY_HOOK: undefined }, hook)).toBe("no-hook");
  expect(await requestSiteRebuild(configured, hook)).toBe("requested");
  expect(await requestSiteRebuild(configured, hook)).toBe("unchanged");
  await putFund(freshTicker());
  expect(await requestSiteRebuild(configured, hook)).toBe("requested");
  expect(calls).toEqual(["https://ci.example/hooks/site", "https://ci.example/hooks/site"]);
});
