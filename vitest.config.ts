import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

// The test tree mirrors the source tree (test/functions, test/shared, test/site, test/scripts), and a
// test file's path and suffix choose where it runs. Project "worker" runs, inside workerd with real D1
// and KV, every test/functions/**/*.test.ts and test/shared/**/*.test.ts except those named
// *.node.test.ts; project "node" runs test/site/**, test/scripts/** and every *.node.test.ts (tests that
// specify functions/ but drive the real product from Node: the MCP SDK client, the generated API
// client, the OpenAPI lint). So a new test needs no entry here: put it next to what it specifies, and
// name it .node.test.ts only if it must run in Node. Helpers: test/functions/helpers/ (workerd) and
// test/helpers/ (Node).
const NODE_TESTS = "test/**/*.node.test.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-token" },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/functions/**/*.test.ts", "test/shared/**/*.test.ts"],
            exclude: [...configDefaults.exclude, NODE_TESTS],
            setupFiles: ["test/functions/helpers/apply-migrations.ts"],
            testTimeout: 60_000,
          },
        },
        {
          test: {
            name: "node",
            include: ["test/site/**/*.test.ts", "test/scripts/**/*.test.ts", NODE_TESTS],
            environment: "node",
            testTimeout: 300_000,
            hookTimeout: 300_000,
          },
        },
      ],
    },
  };
});
