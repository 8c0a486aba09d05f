import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../auth.ts";
import { readDataVersion } from "../db/meta.ts";

export const health = new OpenAPIHono<AppEnv>();

const route = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness: the API answers and D1 is reachable",
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok"), data_version: z.number(), db: z.literal("ok") }),
        },
      },
      description: "Healthy",
    },
  },
});

health.openapi(route, async (c) => {
  const dataVersion = await readDataVersion(c.env.DB);
  return c.json({ status: "ok" as const, data_version: dataVersion, db: "ok" as const }, 200);
});
