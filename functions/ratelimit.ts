// Per-token request budget for every authenticated route (wrangler.toml [[ratelimits]] WRITE_LIMITER:
// 600 requests a minute per token). Keyed by the token's id, never by the token itself, so no secret
// reaches the limiter. Beyond the budget: 429 with Retry-After, before the body is even read.
import type { Caller } from "./auth.ts";
import { Problem } from "./problem.ts";

/** The period of wrangler.toml's simple limit: the longest a refused caller has to wait. */
export const RATE_LIMIT_PERIOD_S = 60;

export async function limitRate(env: Env, caller: Caller): Promise<void> {
  let allowed: boolean;
  try {
    allowed = (await env.WRITE_LIMITER.limit({ key: `token:${caller.id}` })).success;
  } catch (error) {
    // A limiter outage must not stop providers from writing: fail open, and say so in the log.
    console.error(JSON.stringify({ level: "error", message: `rate limiter unavailable: ${String(error)}` }));
    return;
  }
  if (!allowed) {
    throw new Problem(
      429,
      `Over ${caller.admin ? "the admin" : "this token's"} request budget; retry after ${RATE_LIMIT_PERIOD_S} s.`,
      [],
      { "Retry-After": String(RATE_LIMIT_PERIOD_S) },
    );
  }
}
